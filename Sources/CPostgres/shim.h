// libpq (the PostgreSQL client library) for Swift, loaded on first use: nothing links libpq, so
// that a process that never uses the PostgreSQL backend loads neither it nor the libraries it
// brings (Kerberos, LDAP, GnuTLS, OpenSSL: 22 of the 42 almanacctl loaded). libpq-fe.h gives the
// types only; the functions are reached through `almanac_pq`, a table of pointers that
// `almanac_pq_resolve` fills with dlsym from the handle `LibPQ.load` (Sources/AlmanacStore/LibPQ.swift)
// gets from dlopen.
#ifndef ALMANAC_CPOSTGRES_SHIM_H
#define ALMANAC_CPOSTGRES_SHIM_H

#include "../CSharedLibrary/shared_library.h"

// Debian puts the header in /usr/include/postgresql (libpq-dev); others in the include path.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#else
#include <libpq-fe.h>
#endif

// Every libpq function almanac calls, once: the table's fields and the names dlsym looks up.
#define ALMANAC_PQ_FUNCTIONS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQbackendPID) \
    X(PQsetNoticeProcessor) X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) \
    X(PQresultErrorMessage) X(PQclear) X(PQntuples) X(PQnfields) X(PQfname) X(PQgetisnull) \
    X(PQgetvalue) X(PQcmdTuples)

// The functions, typed as the header declares them, and their resolver (shared_library.h).
typedef struct almanac_pq { ALMANAC_PQ_FUNCTIONS(ALMANAC_LIBRARY_FIELD) } almanac_pq;

static inline const char *almanac_pq_resolve(void *library, almanac_pq *table) {
    ALMANAC_PQ_FUNCTIONS(ALMANAC_LIBRARY_RESOLVE)
    return NULL;
}

// PG_DIAG_SQLSTATE is a character macro, which does not import into Swift; this returns it as an int.
static inline int almanac_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

static inline int almanac_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }

// Notices (NOTICE, WARNING from the server) are dropped instead of printed on stderr, where they
// would mix with the daemon's journal lines.
static void almanac_pg_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }

static inline void almanac_pg_quiet(const almanac_pq *pq, PGconn *conn) {
    pq->PQsetNoticeProcessor(conn, almanac_pg_ignore_notice, 0);
}

#endif
