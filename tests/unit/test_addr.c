/* Tests for common/vx_addr: IP and MAC text forms. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cu_main.h"
#include "vx_addr.h"

static void test_ip_parse_accepts_v4_and_v6_and_round_trips(void)
{
	struct vx_ip ip;
	char buf[VX_IP_STRLEN];

	CU_ASSERT_EQUAL(vx_ip_parse("192.0.2.1", &ip), 0);
	CU_ASSERT_EQUAL(ip.af, AF_INET);
	CU_ASSERT_EQUAL(ip.a[0], 192);
	CU_ASSERT_EQUAL(ip.a[3], 1);
	CU_ASSERT_EQUAL(ip.a[4], 0);
	CU_ASSERT_STRING_EQUAL(vx_ip_str(&ip, buf, sizeof(buf)), "192.0.2.1");
	CU_ASSERT_EQUAL(vx_ip_parse("2001:db8::1", &ip), 0);
	CU_ASSERT_EQUAL(ip.af, AF_INET6);
	CU_ASSERT_EQUAL(ip.a[15], 1);
	CU_ASSERT_STRING_EQUAL(vx_ip_str(&ip, buf, sizeof(buf)), "2001:db8::1");
}

static void test_ip_parse_rejects_garbage(void)
{
	struct vx_ip ip;

	CU_ASSERT_EQUAL(vx_ip_parse("192.0.2", &ip), -EINVAL);
	CU_ASSERT_EQUAL(vx_ip_parse("", &ip), -EINVAL);
	CU_ASSERT_EQUAL(vx_ip_parse(NULL, &ip), -EINVAL);
	CU_ASSERT_EQUAL(vx_ip_parse("1.2.3.4.5", &ip), -EINVAL);
	CU_ASSERT_EQUAL(ip.af, 0);
}

static void test_mac_parse_is_strict(void)
{
	uint8_t mac[6];
	char buf[18];

	CU_ASSERT_EQUAL(vx_mac_parse("02:00:5e:10:00:0a", mac), 0);
	CU_ASSERT_EQUAL(mac[0], 0x02);
	CU_ASSERT_EQUAL(mac[5], 0x0a);
	CU_ASSERT_STRING_EQUAL(vx_mac_str(mac, buf, sizeof(buf)), "02:00:5e:10:00:0a");
	CU_ASSERT_EQUAL(vx_mac_parse("02:00:5e:10:00", mac), -EINVAL);
	CU_ASSERT_EQUAL(vx_mac_parse("02:00:5e:10:00:0a:", mac), -EINVAL);
	CU_ASSERT_EQUAL(vx_mac_parse("2:0:5e:10:0:a", mac), -EINVAL);
	CU_ASSERT_EQUAL(vx_mac_parse("zz:00:5e:10:00:0a", mac), -EINVAL);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("addr", NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	CU_ADD(s, test_ip_parse_accepts_v4_and_v6_and_round_trips);
	CU_ADD(s, test_ip_parse_rejects_garbage);
	CU_ADD(s, test_mac_parse_is_strict);
	return CU_get_error();
}
