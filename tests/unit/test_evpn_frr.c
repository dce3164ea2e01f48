/* Tests for evpn_frr_parse_macs(): zebra's `show evpn mac vni ... json`
 * (texts as FRR 8.4 prints them) and what it must refuse. */
#include <errno.h>
#include <string.h>

#include "cu_main.h"
#include "evpn_frr.h"

#define MAX_SEEN 8

struct seen {
	struct evpn_frr_mac m[MAX_SEEN];
	int n;
};

static int collect(void *arg, const struct evpn_frr_mac *m)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN)
		s->m[s->n] = *m;
	s->n++;
	return 0;
}

static int parse(const char *text, uint32_t vni, struct seen *s, unsigned *bad)
{
	memset(s, 0, sizeof(*s));
	return evpn_frr_parse_macs(text, strlen(text), vni, collect, s, bad);
}

/* FRR 8.4, `show evpn mac vni all json` on a hypervisor with one VM */
static const char all_vnis[] =
	"{\n  \"100\":{\n    \"numMacs\":2,\n    \"macs\":{\n"
	"      \"02:00:00:00:01:03\":{\n        \"type\":\"remote\",\n"
	"        \"remoteVtep\":\"10.0.0.2\",\n        \"localSequence\":0,\n"
	"        \"remoteSequence\":3,\n        \"detectionCount\":2,\n"
	"        \"isDuplicate\":false\n      },\n"
	"      \"02:00:00:00:01:01\":{\n        \"type\":\"local\",\n"
	"        \"intf\":\"ev100p0\",\n        \"localSequence\":4,\n"
	"        \"remoteSequence\":1,\n        \"detectionCount\":5,\n"
	"        \"isDuplicate\":true\n      }\n    }\n  },\n"
	"  \"200\":{\n    \"numMacs\":0\n  }\n}";

static void test_frr_all_vnis_gives_every_mac_with_sequences(void)
{
	struct seen s;
	unsigned bad = 9;

	CU_ASSERT_EQUAL(parse(all_vnis, 0, &s, &bad), 2);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(s.m[0].vni, 100);
	CU_ASSERT_EQUAL(s.m[0].mac[5], 0x03);
	CU_ASSERT_TRUE(s.m[0].remote);
	CU_ASSERT_EQUAL(s.m[0].remote_seq, 3);
	CU_ASSERT_EQUAL(s.m[0].moves, 2);
	CU_ASSERT_FALSE(s.m[0].duplicate);
	CU_ASSERT_FALSE(s.m[1].remote);
	CU_ASSERT_EQUAL(s.m[1].local_seq, 4);
	CU_ASSERT_EQUAL(s.m[1].moves, 5);
	CU_ASSERT_TRUE(s.m[1].duplicate);
}

static void test_frr_one_vni_document_takes_the_given_vni(void)
{
	struct seen s;

	CU_ASSERT_EQUAL(parse("{\"numMacs\":1,\"macs\":{\"02:00:00:00:00:07\":{\"type\":\"local\","
			      "\"intf\":\"ev100p0\",\"localSequence\":1,\"remoteSequence\":0}}}",
			      100, &s, NULL),
			1);
	CU_ASSERT_EQUAL(s.m[0].vni, 100);
	CU_ASSERT_EQUAL(s.m[0].local_seq, 1);
	CU_ASSERT_FALSE(s.m[0].duplicate); /* no detection fields: not flagged */
	CU_ASSERT_EQUAL(parse("{}", 0, &s, NULL), 0);
}

static void test_frr_malformed_entries_are_skipped_and_counted(void)
{
	static const char *const entries[] = {
		"\"zz:00:00:00:00:01\":{\"type\":\"local\",\"localSequence\":0,\"remoteSequence\":0}",
		"\"02:00:00:00:00:02\":{\"type\":\"bogus\",\"localSequence\":0,\"remoteSequence\":0}",
		"\"02:00:00:00:00:03\":{\"type\":\"local\",\"localSequence\":-1,\"remoteSequence\":0}",
		"\"02:00:00:00:00:04\":{\"type\":\"local\",\"localSequence\":\"1\",\"remoteSequence\":0}",
		"\"02:00:00:00:00:05\":{\"type\":\"local\",\"localSequence\":4294967296,"
		"\"remoteSequence\":0}",
		"\"02:00:00:00:00:06\":{\"type\":\"local\",\"remoteSequence\":0}",
		"\"02:00:00:00:00:07\":{\"type\":\"local\",\"localSequence\":0,\"remoteSequence\":0,"
		"\"isDuplicate\":1}",
		"\"02:00:00:00:00:08\":[]",
	};
	struct seen s;
	unsigned bad;
	char text[512];

	for (unsigned i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"100\":{\"numMacs\":2,\"macs\":{%s,\"02:00:00:00:00:99\":{\"type\":"
			 "\"remote\",\"localSequence\":0,\"remoteSequence\":2}}}}",
			 entries[i]);
		CU_ASSERT_EQUAL(parse(text, 0, &s, &bad), 1);
		CU_ASSERT_EQUAL(bad, 1);
		CU_ASSERT_EQUAL(s.m[0].mac[5], 0x99);
	}
}

static void test_frr_other_documents_are_refused(void)
{
	static const char *const texts[] = {
		"",
		"% Unknown command: show evpn mac vni all json",
		"[1,2]",
		"{\"100\":{\"numMacs\":2,\"macs\":{",          /* cut short */
		"{\"vni\":{\"numMacs\":0}}",                    /* not a VNI key */
		"{\"0\":{\"numMacs\":0}}",
		"{\"16777216\":{\"numMacs\":0}}",
		"{\"100\":{\"count\":0}}",
		"{\"100\":{\"numMacs\":1,\"macs\":[]}}",
		"{\"100\":7}",
	};
	struct seen s;

	for (unsigned i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		CU_ASSERT_EQUAL(parse(texts[i], 0, &s, NULL), -EINVAL);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("evpn_frr", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_frr_all_vnis_gives_every_mac_with_sequences);
	CU_ADD(s, test_frr_one_vni_document_takes_the_given_vni);
	CU_ADD(s, test_frr_malformed_entries_are_skipped_and_counted);
	CU_ADD(s, test_frr_other_documents_are_refused);
	return CU_get_error();
}
