// libpq (the PostgreSQL client library) for Swift. PG_DIAG_SQLSTATE is a character macro, which
// does not import into Swift; this returns it as an int.
#ifndef ALMANAC_CPOSTGRES_SHIM_H
#define ALMANAC_CPOSTGRES_SHIM_H

#include <libpq-fe.h>

static inline int almanac_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

static inline int almanac_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }

// Notices (NOTICE, WARNING from the server) are dropped instead of printed on stderr, where they
// would mix with the daemon's journal lines.
static void almanac_pg_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }

static inline void almanac_pg_quiet(PGconn *conn) { PQsetNoticeProcessor(conn, almanac_pg_ignore_notice, 0); }

#endif
