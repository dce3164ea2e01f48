/* cfg_team: semantic checks of uplink teams (called by cfg_validate). */
#ifndef CFG_TEAM_H
#define CFG_TEAM_H

#include "cfg_model.h"

/** 0, or -EINVAL with err = "PATH: reason". */
int cfg_validate_teams(const struct cfg *c, char *err, unsigned errlen);

#endif
