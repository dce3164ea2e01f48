/* cfg_state: operational state as data of the vxsw YANG module.
 *
 * The daemon sets leaves under /vxsw:state by path and string value; libyang
 * checks every path and value against the model, so what vxswctl prints is
 * model-valid. Built on the shared libyang context of cfg_yang. Not
 * thread-safe: the control thread builds and prints it.
 */
#ifndef CFG_STATE_H
#define CFG_STATE_H

struct cfg_state;

/** An empty state tree (the /vxsw:state container). NULL on failure. */
struct cfg_state *cfg_state_new(void);
void cfg_state_free(struct cfg_state *s);

/**
 * Set the leaf at absolute path (e.g. "/vxsw:state/port[name='vm1']/rx-packets")
 * to value, creating parents and list instances on the way; a path ending in
 * a list instance (value NULL) just creates it. Existing leaves are updated.
 * Only paths under /vxsw:state. Returns 0 or -EINVAL (unknown node, bad
 * value; see cfg_state_errmsg()).
 */
int cfg_state_set(struct cfg_state *s, const char *path, const char *value);
/** cfg_state_set() with a printf-style path. */
int cfg_state_setf(struct cfg_state *s, const char *value, const char *pathfmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Remove the node at path with its subtree ("/vxsw:state" empties all).
 *  Returns 0, -ENOENT if absent, -EINVAL for a bad path. */
int cfg_state_del(struct cfg_state *s, const char *path);
/** "PATH: reason" of the last failure (PATH as the caller gave it), "" if none. */
const char *cfg_state_errmsg(const struct cfg_state *s);

/**
 * JSON instance data of the nodes path selects (an XPath such as
 * "/vxsw:state/fdb" or "/vxsw:state/port[name='vm1']"), with their parents
 * up to "vxsw:state" so the text is valid data of the model; all state if
 * path is NULL. Nothing selected gives "{}\n". malloc'd; NULL on a bad path.
 */
char *cfg_state_json(struct cfg_state *s, const char *path);
/**
 * Aligned text table of the instances of a list (e.g. "/vxsw:state/port",
 * or "/vxsw:state/fdb/entry[vni='100']" to filter): a header row of the
 * list's leaf names in schema order, one row per instance in insertion
 * order, columns two spaces apart (numbers right-aligned), "-" for absent
 * leaves, no trailing blanks. An empty list gives the header alone.
 * malloc'd; NULL if list_path is not a list.
 */
char *cfg_state_table(struct cfg_state *s, const char *list_path);

#endif
