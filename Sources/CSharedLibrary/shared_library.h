// The C half of a library opened on first use (Sources/AlmanacLibraries/SharedLibrary.swift): a
// module lists the functions it calls once, in an X-macro, and these two macros make of it the
// table of pointers Swift calls through and the resolver that fills it with dlsym. Included as
// a textual header by CPostgres, CCurl and CSystemd; not a target of its own.
//
//     #define ALMANAC_FOO_FUNCTIONS(X) X(foo_open) X(foo_close)
//     typedef struct almanac_foo { ALMANAC_FOO_FUNCTIONS(ALMANAC_LIBRARY_FIELD) } almanac_foo;
//     static inline const char *almanac_foo_resolve(void *library, almanac_foo *table) {
//         ALMANAC_FOO_FUNCTIONS(ALMANAC_LIBRARY_RESOLVE)
//         return NULL;
//     }
//
// The resolver returns NULL when every function was found, else the name of the first one
// missing (the table is then incomplete and must not be used). The fields are typed as the
// library's header declares the functions (`__typeof__` does not refer to the symbol, so nothing
// is linked).
#ifndef ALMANAC_SHARED_LIBRARY_H
#define ALMANAC_SHARED_LIBRARY_H

#include <dlfcn.h>
#include <stddef.h>

#define ALMANAC_LIBRARY_FIELD(name) __typeof__(&name) name;

#define ALMANAC_LIBRARY_RESOLVE(name) \
    if ((table->name = (__typeof__(&name))dlsym(library, #name)) == NULL) return #name;

#endif
