/* cfg_ctx: the libyang context shared by cfg_yang and cfg_state (internal).
 *
 * One context per process holding module vxsw, created on first use from the
 * embedded YANG text and kept until cfg_yang_cleanup(). Control thread only.
 * Only config/ includes this header.
 */
#ifndef CFG_CTX_H
#define CFG_CTX_H

#include <libyang/libyang.h>

/** The shared context, created on first use; NULL (err set) on failure. */
struct ly_ctx *cfg_ctx_get(char *err, unsigned errlen);
/** The loaded module vxsw of the shared context (after cfg_ctx_get()). */
const struct lys_module *cfg_ctx_module(void);
/** Count a holder (cfg_state) so cfg_yang_cleanup() keeps the context. */
void cfg_ctx_hold(void);
void cfg_ctx_release(void);
/** Format the context's last libyang error as "PATH: reason" into err. */
void cfg_ctx_error(const struct ly_ctx *ctx, char *err, unsigned errlen);
/** The same for a failed parse of json, naming the list instance that lacks
 *  a mandatory node (libyang names only its schema node); clears the errors. */
void cfg_ctx_parse_error(struct ly_ctx *ctx, const char *json, char *err, unsigned errlen);

#endif
