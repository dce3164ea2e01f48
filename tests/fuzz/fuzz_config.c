/* libFuzzer target: arbitrary bytes into cfg_load_json(); every accepted
 * config must print with cfg_to_json() and load back to the same JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_model.h"
#include "cfg_yang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CFG_ERR_MAX];
	struct cfg c, back;
	char *json, *again;

	if (cfg_load_json((const char *)data, size, &c, err, sizeof(err)) != 0) {
		cfg_free(&c);
		return 0;
	}
	json = cfg_to_json(&c);
	if (json == NULL)
		abort();        /* a valid config must print */
	if (cfg_load_json(json, strlen(json), &back, err, sizeof(err)) != 0) {
		fprintf(stderr, "round trip refused: %s\n%s\n", err, json);
		abort();
	}
	again = cfg_to_json(&back);
	if (again == NULL || strcmp(json, again) != 0)
		abort();
	free(again);
	free(json);
	cfg_free(&back);
	cfg_free(&c);
	return 0;
}
