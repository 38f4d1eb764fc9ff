#ifndef GANTRY_CSQLITE3_SHIM_H
#define GANTRY_CSQLITE3_SHIM_H
#include <sqlite3.h>

// SQLITE_STATIC and SQLITE_TRANSIENT are casts of integers to function pointers, which Swift cannot import.
static inline sqlite3_destructor_type gantry_sqlite_static(void) { return SQLITE_STATIC; }
static inline sqlite3_destructor_type gantry_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
