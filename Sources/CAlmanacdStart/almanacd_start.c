// The first code of almanacd to run: an entry of the executable's .preinit_array, which the
// dynamic loader calls once it has mapped and relocated the libraries, before any of their
// initialisers (the Swift runtime, Foundation, libdispatch) and before main.
//
// Until almanacd registers its own signal sources (libdispatch's, which it awaits before reading
// the configuration), a SIGTERM, SIGINT or SIGHUP would take its default action and kill the
// process: status 143, no STOPPING=1. Runtime start-up, argument parsing and that registration
// take some 25 ms, so a stop requested right after a start hit it. Here each of the three gets a
// handler that only notes it came; once the sources are registered, almanacd sends the noted
// ones to itself again (almanacd_start_forward_signals) and they take the normal way: SIGTERM
// stops the daemon cleanly, SIGHUP reloads once it runs. What is left uncovered is the time from
// exec to here: the kernel's exec and the loader mapping and relocating the libraries (measured:
// a signal up to about 11 ms after exec on the dynamic build, 5 ms on the static build, can still
// end the process; docs/benchmarks.md, twenty-second part).
//
// This is part of the almanacd executable alone: a test binary that linked it would no longer
// stop on SIGTERM.

#include "almanacd_start.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const int held[] = {SIGTERM, SIGINT, SIGHUP};
enum { HELD = sizeof held / sizeof held[0] };
static volatile sig_atomic_t came[HELD];

static void note(int sig) {
    for (int i = 0; i < HELD; i++) {
        if (held[i] == sig) came[i] = 1;
    }
}

static void almanacd_hold_signals(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    (void)envp;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = note;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < HELD; i++) sigaddset(&action.sa_mask, held[i]);
    for (int i = 0; i < HELD; i++) sigaction(held[i], &action, NULL);
    // A parent may have started almanacd with them blocked (a supervisor that blocks signals
    // while it spawns): unblocked now, one pending since exec is noted like the others, and the
    // daemon's threads, which inherit this mask, do not keep them blocked for good.
    sigprocmask(SIG_UNBLOCK, &action.sa_mask, NULL);
}

__attribute__((section(".preinit_array"), used))
static void (*const almanacd_preinit)(int, char **, char **) = almanacd_hold_signals;

static void resend(void) {
    for (int i = 0; i < HELD; i++) {
        if (__atomic_exchange_n(&came[i], 0, __ATOMIC_SEQ_CST)) {
            kill(getpid(), held[i]);
        }
    }
}

void almanacd_start_forward_signals(void) { resend(); }

void almanacd_start_release_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < HELD; i++) sigaction(held[i], &action, NULL);
    resend();
}
