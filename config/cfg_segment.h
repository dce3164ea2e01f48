/* cfg_segment: semantic checks of VLAN-backed segments and rate limits
 * (called by cfg_validate). Pure; errors are "PATH: reason". */
#ifndef CFG_SEGMENT_H
#define CFG_SEGMENT_H

#include "cfg_model.h"

/** 0, or -EINVAL with err = "PATH: reason". Run after the teams are checked. */
int cfg_validate_segments(const struct cfg *c, char *err, unsigned errlen);
/** Check a limit at PATH (the node holding rate-limit). 0 or -EINVAL. */
int cfg_validate_limit(const struct cfg_rate_limit *l, const char *path, char *err,
		       unsigned errlen);

#endif
