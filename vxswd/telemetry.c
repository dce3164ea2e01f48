#include "telemetry.h"

#include <stdio.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "dp_ctrl.h"

static struct dp_ctrl *tel_ctrl;

/* Telemetry reads counters racily (no lock with workers): every value is a
 * naturally aligned u64, so each is read whole. Port and VNI names are fixed
 * at start-up or change only on the control thread; a reply may lag a change. */
static struct dp_lcore_stats *read_stats(void)
{
	struct dp_lcore_stats *t = malloc(sizeof(*t));

	if (t != NULL)
		dp_stats_read(&tel_ctrl->dp, t);
	return t;
}

static int tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_lcore_stats *t = read_stats();

	(void)cmd;
	(void)params;
	if (t == NULL)
		return -1;
	rte_tel_data_start_dict(d);
	for (uint16_t i = 0; i < tel_ctrl->dp.n_ports; i++) {
		struct rte_tel_data *p = rte_tel_data_alloc();
		if (p == NULL)
			break;
		rte_tel_data_start_dict(p);
		rte_tel_data_add_dict_u64(p, "rx_packets", t->port[i].rx_packets);
		rte_tel_data_add_dict_u64(p, "rx_bytes", t->port[i].rx_bytes);
		rte_tel_data_add_dict_u64(p, "tx_packets", t->port[i].tx_packets);
		rte_tel_data_add_dict_u64(p, "tx_bytes", t->port[i].tx_bytes);
		rte_tel_data_add_dict_u64(p, "drops", t->port[i].drops);
		rte_tel_data_add_dict_container(d, tel_ctrl->dp.ports[i].name, p, 0);
	}
	free(t);
	return 0;
}

static int tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_lcore_stats *t = read_stats();

	(void)cmd;
	(void)params;
	if (t == NULL)
		return -1;
	rte_tel_data_start_dict(d);
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		if (r != DP_DROP_VTEP_OK)
			rte_tel_data_add_dict_u64(d, dp_drop_name((enum dp_drop)r), t->drop[r]);
	free(t);
	return 0;
}

static int tel_vni(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_lcore_stats *t = read_stats();
	char name[16];

	(void)cmd;
	(void)params;
	if (t == NULL)
		return -1;
	rte_tel_data_start_dict(d);
	for (uint16_t bd = 0; bd < FDB_BD_MAX; bd++) {
		uint32_t vni = tel_ctrl->bd_vni[bd];
		struct rte_tel_data *v;

		if (vni == 0 || dp_bd_key_is_seg(vni) || (v = rte_tel_data_alloc()) == NULL)
			continue;
		rte_tel_data_start_dict(v);
		rte_tel_data_add_dict_u64(v, "encap", t->bd[bd].encap);
		rte_tel_data_add_dict_u64(v, "decap", t->bd[bd].decap);
		rte_tel_data_add_dict_u64(v, "flood", t->bd[bd].flood);
		snprintf(name, sizeof(name), "%u", vni);
		rte_tel_data_add_dict_container(d, name, v, 0);
	}
	free(t);
	return 0;
}

void telemetry_register(struct dp_ctrl *c)
{
	tel_ctrl = c;
	rte_telemetry_register_cmd("/vxsw/ports", tel_ports, "Per-port packet counters");
	rte_telemetry_register_cmd("/vxsw/drops", tel_drops, "Drop counters by reason");
	rte_telemetry_register_cmd("/vxsw/vni", tel_vni, "Per-VNI encap/decap/flood counters");
}
