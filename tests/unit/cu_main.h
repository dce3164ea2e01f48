/* Shared CUnit runner: each test file defines cu_register() and gets main(). */
#ifndef CU_MAIN_H
#define CU_MAIN_H

#include <CUnit/CUnit.h>

/** Add the file's suites to the CUnit registry. Return 0 or a CUnit error. */
int cu_register(void);

#define CU_ADD(suite, fn) CU_add_test(suite, #fn, fn)

#endif
