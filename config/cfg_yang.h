/* cfg_yang: JSON instance data <-> struct cfg through libyang 2.
 *
 * The only file that includes libyang (with cfg_state.c, through the internal
 * cfg_ctx.h). Loads config/yang/vxsw.yang from the build tree's embedded copy,
 * so an installed vxswd needs no search path. One libyang context per process,
 * created on first use. Not thread-safe: control thread only.
 */
#ifndef CFG_YANG_H
#define CFG_YANG_H

#include <stddef.h>

#include "cfg_model.h"

/**
 * Parse and validate JSON instance data of module vxsw into c (then runs
 * cfg_validate). c is output only: its old contents are not freed. Unknown
 * members, state data and values outside the model are errors. Defaults are
 * applied (an absent mtu becomes 1500, or 1600 for uplinks).
 * Returns 0, or a negative errno (-EINVAL invalid, -EFBIG over 16 MiB,
 * -ENOMEM) with err = "PATH: reason" naming the data path libyang or
 * cfg_validate reported, e.g.
 * "/vxsw:vxsw/port[name='vm1']: Node "foo" not found as a child of "port" node. (line 4)".
 * JSON syntax errors without a data path read "line N: reason".
 * On error c is left empty with defaults (cfg_free() is safe).
 */
int cfg_load_json(const char *json, size_t len, struct cfg *c, char *err, unsigned errlen);
/** Read a file and cfg_load_json() it. -ENOENT etc. with err = "FILE: strerror"
 *  on I/O error; files over 16 MiB are refused (-EFBIG). */
int cfg_load_file(const char *path, struct cfg *c, char *err, unsigned errlen);
/** Print c as JSON instance data (malloc'd string, caller frees), every value
 *  explicit. cfg_load_json() of the result gives c back. Run cfg_validate()
 *  first for a readable error: this returns NULL for values the model refuses
 *  (or on ENOMEM). */
char *cfg_to_json(const struct cfg *c);
/** Free the shared libyang context (optional, at exit). -EBUSY while a
 *  cfg_state is alive. The next call into config/ creates it again. */
int cfg_yang_cleanup(void);

#endif
