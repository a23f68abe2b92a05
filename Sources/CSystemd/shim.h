// libsystemd's daemon and journal APIs for Swift, loaded on first use: nothing links libsystemd,
// so that the loader does not map it and what it brings (libcap, libgcrypt, liblzma, libzstd,
// liblz4, libgpg-error) before almanacd's first instruction (docs/benchmarks.md). The headers
// give the types only; the functions are reached through `almanac_sd`, a table of pointers that
// `almanac_sd_resolve` fills with dlsym from the handle `LibSystemd.load`
// (Sources/AlmanacSystemd/LibSystemd.swift) gets from dlopen. Variadic functions (sd_notifyf,
// sd_journal_send) do not import; Swift calls sd_notify and sd_journal_sendv instead.
#ifndef ALMANAC_CSYSTEMD_SHIM_H
#define ALMANAC_CSYSTEMD_SHIM_H

#include "../CSharedLibrary/shared_library.h"
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <time.h>
// The scheduler's wall-clock timer (timerfd with TFD_TIMER_CANCEL_ON_SET, an eventfd to stop it).
#include <sys/timerfd.h>
#include <sys/eventfd.h>
// glibc's malloc_trim and mallopt: the daemon hands memory freed after a load back to the system.
#include <malloc.h>

// Every libsystemd function almanac calls, once: the table's fields and the names dlsym looks up.
#define ALMANAC_SD_FUNCTIONS(X) \
    X(sd_notify) X(sd_journal_sendv) X(sd_listen_fds) X(sd_is_socket_unix) X(sd_watchdog_enabled)

// The functions, typed as the header declares them, and their resolver (shared_library.h).
typedef struct almanac_sd { ALMANAC_SD_FUNCTIONS(ALMANAC_LIBRARY_FIELD) } almanac_sd;

static inline const char *almanac_sd_resolve(void *library, almanac_sd *table) {
    ALMANAC_SD_FUNCTIONS(ALMANAC_LIBRARY_RESOLVE)
    return NULL;
}

/// CLOCK_MONOTONIC in microseconds, as systemd expects in MONOTONIC_USEC=.
static inline unsigned long long almanac_monotonic_usec(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL;
}

#endif
