// libsystemd's daemon and journal APIs for Swift. Variadic functions (sd_notifyf, sd_journal_send)
// do not import; Swift calls sd_notify and sd_journal_sendv instead.
#ifndef ALMANAC_CSYSTEMD_SHIM_H
#define ALMANAC_CSYSTEMD_SHIM_H

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

/// CLOCK_MONOTONIC in microseconds, as systemd expects in MONOTONIC_USEC=.
static inline unsigned long long almanac_monotonic_usec(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL;
}

#endif
