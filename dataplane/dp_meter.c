/* Config limits -> per-worker meter parameters. See dp_meter.h. */
#include "dp_meter.h"

/* A non-zero id from the parameters (FNV-1a over the four values). */
static uint32_t meter_id(const struct dp_meter_cfg *m, uint32_t salt)
{
	const uint64_t v[] = { m->cir, m->pir, m->cbs, m->pbs, salt };
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (unsigned b = 0; b < 8; b++)
			h = (h ^ (uint8_t)(v[i] >> (8 * b))) * 16777619u;
	return h != 0 ? h : 1;
}

struct dp_meter_cfg dp_meter_from_limit(const struct cfg_rate_limit *l, unsigned workers)
{
	struct dp_meter_cfg m = { 0 };

	if (l->average_kbps == 0)
		return m;
	if (workers == 0)
		workers = 1;
	m.cir = (uint64_t)l->average_kbps * 125u / workers; /* kbit/s -> bytes/s */
	m.cbs = l->burst;
	if (l->peak_kbps == 0) {
		m.pir = m.cir;
		m.pbs = m.cbs;
	} else {
		m.pir = (uint64_t)l->peak_kbps * 125u / workers;
		if (m.pir < m.cir)
			m.pir = m.cir;
		m.pbs = l->peak_burst ? l->peak_burst : m.pir / 1000; /* 1 ms at the peak */
		if (m.pbs < DP_METER_MIN_PBS)
			m.pbs = DP_METER_MIN_PBS;
	}
	if (m.cir == 0)
		m.cir = m.pir = 1;
	m.id = meter_id(&m, 1);
	return m;
}

struct dp_meter_cfg dp_meter_from_storm(uint32_t fps, unsigned workers)
{
	struct dp_meter_cfg m = { 0 };

	if (fps == 0)
		return m;
	if (workers == 0)
		workers = 1;
	m.cir = fps / workers ? fps / workers : 1;
	m.cbs = m.cir; /* one second's worth: "N frames per second" passes N at once */
	m.id = meter_id(&m, 2);
	return m;
}
