#ifndef ALMANACD_START_H
#define ALMANACD_START_H

/// Sends almanacd, once more, each of SIGTERM, SIGINT and SIGHUP that came since the process
/// started, so that the signal sources registered in the meantime receive it (see
/// almanacd_start.c). Call it after those sources are registered.
void almanacd_start_forward_signals(void);

/// Gives SIGTERM, SIGINT and SIGHUP back their default action and sends again any that came:
/// for the paths that never trap them (`--check`), which a signal should end as it ends any
/// program.
void almanacd_start_release_signals(void);

#endif
