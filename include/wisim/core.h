/* wisim event core: one simulation (ws_sim), integer nanosecond time and
 * the pending-event set. Events are ordered by (time, insertion sequence);
 * the core knows nothing of files, sockets, libev or libpcap.
 * Every other module reaches the clock and the scheduler through here. */
#ifndef WISIM_CORE_H
#define WISIM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Simulated time in nanoseconds since the start of the run. */
typedef int64_t ws_time;

#define WS_NS ((ws_time)1)
#define WS_US ((ws_time)1000)
#define WS_MS ((ws_time)1000000)
#define WS_S ((ws_time)1000000000)
#define WS_TIME_MAX INT64_MAX

/* Seconds as a double, for metrics and physics only (never for ordering). */
static inline double ws_time_to_s(ws_time t) { return (double)t / 1e9; }

/* One simulation: clock, pending events, event free list. Opaque. */
typedef struct ws_sim ws_sim;

/* The one callback shape: runs to completion, never blocks, schedules its
 * own follow-up. ctx is whatever was given to ws_sim_schedule (borrowed). */
typedef void (*ws_event_fn)(ws_sim *sim, void *ctx);

/* Stable handle of a scheduled event; 0 never names an event. A handle stays
 * safe to cancel after its event ran or was cancelled (the call is a no-op). */
typedef uint64_t ws_event_id;

/* A new, empty simulation at time 0. Caller frees with ws_sim_free. */
ws_sim *ws_sim_new(void);
/* Frees the simulation and every pending event (their ctx is not touched). */
void ws_sim_free(ws_sim *sim);

/* Current simulated time. */
ws_time ws_sim_now(const ws_sim *sim);

/* Schedules fn(sim, ctx) at now + delay (delay >= 0), from a callback or
 * between runs. Events at equal times run in the order they were scheduled.
 * Returns the event's handle; 0 (with a critical warning) when fn is NULL,
 * delay < 0 or now + delay overflows. O(1). */
ws_event_id ws_sim_schedule(ws_sim *sim, ws_time delay, ws_event_fn fn, void *ctx);
/* Same, at an absolute time at >= now (0 when at < now). */
ws_event_id ws_sim_schedule_at(ws_sim *sim, ws_time at, ws_event_fn fn, void *ctx);

/* Cancels a pending event. Returns true when it was pending, false when it
 * had already run (or is running), was cancelled, or id is 0. Safe inside
 * any callback, including the event's own. O(1). */
bool ws_sim_cancel(ws_sim *sim, ws_event_id id);
/* True while the event is scheduled and has neither run nor been cancelled. */
bool ws_sim_is_pending(const ws_sim *sim, ws_event_id id);

/* Time of the earliest pending event, or WS_TIME_MAX when none: lets an
 * outside loop (real time, a debugger) pace the core. Not const: it drops
 * cancelled events it meets on the way. */
ws_time ws_sim_next_time(ws_sim *sim);

/* Runs every event with time <= until, in order, then sets the clock to
 * until (unless stopped earlier, or until is WS_TIME_MAX). Events may be
 * scheduled between calls. Returns the number of events executed; 0 (with
 * a critical warning) when until < now or when called from a callback. */
uint64_t ws_sim_run_until(ws_sim *sim, ws_time until);
/* Runs until no event is pending or ws_sim_stop is called. */
uint64_t ws_sim_run(ws_sim *sim);
/* Asks the running loop to return after the current event (call it from a
 * callback; outside a run it has no effect). The clock then stays at that
 * event's time, and a later run resumes where it stopped. */
void ws_sim_stop(ws_sim *sim);
/* True when the last run returned because of ws_sim_stop. */
bool ws_sim_stopped(const ws_sim *sim);

/* Events executed since ws_sim_new (cancelled ones do not count). */
uint64_t ws_sim_events_executed(const ws_sim *sim);
/* Events currently pending (cancelled ones do not count). */
size_t ws_sim_pending(const ws_sim *sim);

/* Event records ever created (the high-water mark of pending events plus
 * cancelled ones not yet reclaimed). Records are recycled, so in steady
 * state this stays flat: the event loop allocates nothing. */
size_t ws_sim_event_capacity(const ws_sim *sim);
/* Bytes held for event records and queue storage. It grows with the
 * largest number of queued events, never with the number run: in steady
 * state it stays flat. */
size_t ws_sim_queue_bytes(const ws_sim *sim);

/* Checks the scheduler's invariants; aborts with a message when broken.
 * For tests and debug builds: O(n log n). Callable inside a callback. */
void ws_sim_check(ws_sim *sim);

#endif
