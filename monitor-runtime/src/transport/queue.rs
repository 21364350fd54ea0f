//! A bounded queue drained by dedicated OS threads, with flush and shutdown deadlines.
//!
//! Every destination (remote Sentry, console, events file, Spotlight) gets one [`Worker`], and
//! so does the preparation stage in front of them. The caller's thread only ever takes a short
//! mutex to push or drop an envelope, so the application never waits for Sentry. Each of the
//! worker's threads (one, or several for HTTP destinations so that several requests are in
//! flight) hands envelopes one at a time to its own [`Sink`].
//!
//! Accounting lives here, under the queue lock, so that every accepted envelope is counted
//! exactly once even when a shutdown deadline races with a delivery in flight: whoever reaches
//! the envelope first (the worker reporting its outcome, or the shutdown caller giving up on it)
//! counts it, and the other side sees that it was already counted.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sentry::Envelope;
use sentry::client_report::{Reason as TransportLossReason, Recorder};

use super::stats::{DropReason, Ledger};

/// How long a worker whose owner was dropped without `shutdown` keeps delivering before it
/// gives up on what is left. Without this, a hung server would keep a detached thread busy for
/// `capacity × request_timeout`.
const DROP_GRACE: Duration = Duration::from_secs(2);

/// The outcome of one delivery attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Delivery {
    Sent,
    /// Lost for `reason`; `error` (free of DSN keys) becomes the destination's `last_error`.
    Dropped {
        reason: DropReason,
        error: Option<String>,
    },
}

impl Delivery {
    pub(crate) fn dropped(reason: DropReason) -> Self {
        Delivery::Dropped {
            reason,
            error: None,
        }
    }

    pub(crate) fn failed(reason: DropReason, error: impl Into<String>) -> Self {
        Delivery::Dropped {
            reason,
            error: Some(error.into()),
        }
    }
}

/// Something that delivers envelopes, called only from its worker thread.
pub(crate) trait Sink {
    /// Delivers one envelope. Implementations that block on I/O must give up once `deadline`
    /// has expired (see [`ShutdownDeadline::expired`]) and return `Dropped(Shutdown)`.
    fn deliver(&mut self, envelope: Envelope, deadline: &ShutdownDeadline) -> Delivery;
}

/// The shutdown deadline of one worker, readable by its sink while a request is in flight.
///
/// It is set once, by `shutdown` (or by dropping the worker), possibly *after* a request
/// started; async sinks race their request against [`ShutdownDeadline::expired`] so that such
/// a request is cut short at the deadline instead of running to its own timeout.
#[derive(Debug, Default)]
pub(crate) struct ShutdownDeadline {
    at: Mutex<Option<Instant>>,
    changed: tokio::sync::Notify,
}

impl ShutdownDeadline {
    /// The deadline, if a shutdown has begun.
    pub(crate) fn get(&self) -> Option<Instant> {
        *self.at.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Time left before the deadline: `None` while no shutdown has begun, `Some(ZERO)` once
    /// it has passed.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        self.get()
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Sets the deadline; an earlier deadline already in place wins.
    fn set(&self, deadline: Instant) {
        {
            let mut at = self.at.lock().unwrap_or_else(PoisonError::into_inner);
            match *at {
                Some(existing) if existing <= deadline => return,
                _ => *at = Some(deadline),
            }
        }
        self.changed.notify_waiters();
    }

    /// Completes when the deadline has passed; pends forever while no shutdown has begun.
    pub(crate) async fn expired(&self) {
        loop {
            // Registered before reading the deadline, so a `set` in between is not missed
            // (`notify_waiters` wakes every `Notified` created before it, polled or not).
            let changed = self.changed.notified();
            match self.get() {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => return,
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

struct State {
    queue: VecDeque<Envelope>,
    capacity: usize,
    /// Envelopes accepted into the queue so far.
    accepted: u64,
    /// Accepted envelopes already counted (sent or dropped); `flush` waits for this.
    settled: u64,
    /// One per thread: the envelope it is delivering, if any.
    slots: Vec<Slot>,
    phase: Phase,
    /// Threads still in their loop; none left means every thread has left its loop (or
    /// none could start).
    running: usize,
    /// Some envelope was given up on because of the shutdown deadline. Not a phase: a
    /// delivery can also give up on its own while the queue drains.
    gave_up: bool,
    /// Threads waiting on `work`. A push wakes one only when one waits: a condition
    /// variable's notify is a system call even with nobody to wake, and the application's
    /// thread would otherwise pay it for every envelope.
    idle_threads: usize,
    /// Callers waiting on `progress` (flush, shutdown). A delivery announces itself only
    /// when one waits, so that the worker's thread does not pay a system call per envelope.
    progress_waiters: usize,
}

impl State {
    fn exited(&self) -> bool {
        self.running == 0
    }
}

/// Where a worker is in its life. Each phase only ever moves forward, and each implies
/// the ones before it: a stopped worker accepts nothing either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Envelopes are accepted.
    Open,
    /// No more envelopes are accepted; the threads exit once the queue is empty.
    Closing,
    /// The threads must exit without delivering anything more (the shutdown deadline
    /// passed).
    Stopped,
    /// Nothing will ever deliver: no thread could be started, or a sink could not be
    /// built. Every envelope is refused.
    Refusing,
}

/// What one thread of a worker is doing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Slot {
    /// Waiting for an envelope.
    #[default]
    Idle,
    /// Delivering an envelope.
    Delivering,
    /// Delivering an envelope that a shutdown which gave up on it already counted as
    /// dropped.
    Abandoned,
}

struct Shared {
    state: Mutex<State>,
    /// Signals the threads: new envelope, closing or stop.
    work: Condvar,
    /// Signals waiters: an envelope was settled or the threads exited.
    progress: Condvar,
    deadline: ShutdownDeadline,
    ledger: Arc<dyn Ledger>,
    /// See [`WorkerOptions::linger`].
    linger: Duration,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops everything still queued, and the envelopes in flight, as `shutdown`, and tells
    /// the threads to stop. Call with the lock held.
    fn abandon(&self, state: &mut State) {
        let mut abandoned = state.queue.len() as u64;
        state.queue.clear();
        let mut in_flight = 0;
        for slot in &mut state.slots {
            if *slot == Slot::Delivering {
                *slot = Slot::Abandoned;
                in_flight += 1;
            }
        }
        if in_flight > 0 {
            abandoned += in_flight;
            // Otherwise a server that hangs leaves no trace but the `shutdown` count.
            self.ledger.record_error(
                "a delivery was still in progress at the shutdown deadline".to_owned(),
            );
        }
        state.phase = state.phase.max(Phase::Stopped);
        if abandoned > 0 {
            state.gave_up = true;
            state.settled += abandoned;
            self.ledger.record_dropped(DropReason::Shutdown, abandoned);
        }
        self.work.notify_all();
        self.progress.notify_all();
    }

    /// Refuses everything from now on: nothing will ever deliver (no thread, or a sink that
    /// could not be built). Call with the lock held.
    fn refuse_all(&self, state: &mut State) {
        let refused = state.queue.len() as u64;
        state.queue.clear();
        state.settled += refused;
        if refused > 0 {
            self.ledger.record_dropped(DropReason::SendError, refused);
        }
        state.phase = Phase::Refusing;
        self.work.notify_all();
        self.progress.notify_all();
    }

    /// A thread left its loop (or never started one).
    fn thread_done(&self, state: &mut State) {
        state.running = state.running.saturating_sub(1);
        self.progress.notify_all();
    }

    /// Blocks on `progress` until `done` holds or `deadline` passes; returns the guard and
    /// whether `done` held.
    fn wait_until<'a>(
        &self,
        mut state: MutexGuard<'a, State>,
        deadline: Instant,
        done: impl Fn(&State) -> bool,
    ) -> (MutexGuard<'a, State>, bool) {
        loop {
            if done(&state) {
                return (state, true);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return (state, false);
            }
            state.progress_waiters += 1;
            state = self
                .progress
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            state.progress_waiters -= 1;
        }
    }
}

/// A bounded queue plus the threads that drain it into [`Sink`]s.
pub(crate) struct Worker {
    shared: Arc<Shared>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// Where queue overflows are reported as client reports (what reaches Sentry only:
    /// losses of local destinations are not Sentry's business).
    overflow_recorder: Option<Recorder>,
}

/// How a [`Worker`] is set up.
pub(crate) struct WorkerOptions {
    /// The name of its threads (numbered when there are several).
    pub(crate) name: &'static str,
    /// How many threads drain the queue, each with its own sink: the number of deliveries
    /// in flight at once.
    pub(crate) threads: usize,
    /// Envelopes the queue holds before it drops new ones.
    pub(crate) capacity: usize,
    /// Where outcomes are counted.
    pub(crate) ledger: Arc<dyn Ledger>,
    /// Where queue overflows are reported for Sentry's client reports.
    pub(crate) overflow_recorder: Option<Recorder>,
    /// How long a thread that has just emptied the queue waits for more envelopes before
    /// it asks to be woken by the next one. Zero: it asks at once. Otherwise envelopes that
    /// arrive meanwhile are taken in one batch, at the cost of up to `linger` of latency: a
    /// steady stream then costs one wake-up (two context switches, and a system call on
    /// the pushing thread) per batch instead of one per envelope. `flush` and `shutdown`
    /// cut a linger short.
    pub(crate) linger: Duration,
}

impl Worker {
    /// Starts a worker with one thread called `thread_name`. `make_sink` runs on that
    /// thread, so expensive setup (TLS roots, an async runtime) never delays the caller.
    pub(crate) fn spawn<S, F>(
        thread_name: &'static str,
        capacity: usize,
        ledger: Arc<dyn Ledger>,
        overflow_recorder: Option<Recorder>,
        make_sink: F,
    ) -> Self
    where
        S: Sink,
        F: FnOnce() -> S + Send + 'static,
    {
        let make_sink = Mutex::new(Some(make_sink));
        Self::spawn_pool(
            WorkerOptions {
                name: thread_name,
                threads: 1,
                capacity,
                ledger,
                overflow_recorder,
                linger: Duration::ZERO,
            },
            move || {
                let make = make_sink
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                match make {
                    Some(make) => make(),
                    // One thread calls this once; a second call would be a bug in `spawn_pool`.
                    None => panic!("sink factory called twice"),
                }
            },
        )
    }

    /// Starts `options.threads` threads draining one queue, each building its own sink with
    /// `make_sink` on its own thread. Envelopes may then be delivered out of order.
    pub(crate) fn spawn_pool<S, F>(options: WorkerOptions, make_sink: F) -> Self
    where
        S: Sink,
        F: Fn() -> S + Send + Sync + 'static,
    {
        let threads = options.threads.max(1);
        let capacity = options.capacity.max(1);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(capacity.min(1024)),
                capacity,
                accepted: 0,
                settled: 0,
                slots: vec![Slot::default(); threads],
                phase: Phase::Open,
                running: threads,
                gave_up: false,
                idle_threads: 0,
                progress_waiters: 0,
            }),
            work: Condvar::new(),
            progress: Condvar::new(),
            deadline: ShutdownDeadline::default(),
            ledger: options.ledger,
            linger: options.linger,
        });
        let make_sink = Arc::new(make_sink);
        let mut handles = Vec::with_capacity(threads);
        for index in 0..threads {
            let name = if threads == 1 {
                options.name.to_owned()
            } else {
                format!("{}-{index}", options.name)
            };
            let thread_shared = Arc::clone(&shared);
            let thread_make = Arc::clone(&make_sink);
            let spawned = thread::Builder::new()
                .name(name.clone())
                .spawn(move || run(&thread_shared, index, &*thread_make));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    shared
                        .ledger
                        .record_error(format!("could not start the {name} thread: {err}"));
                    let mut state = shared.lock();
                    shared.thread_done(&mut state);
                    if state.exited() {
                        // Without a thread nothing will ever drain the queue: refuse
                        // envelopes up front instead of letting them pile up.
                        shared.refuse_all(&mut state);
                    }
                }
            }
        }
        Self {
            shared,
            threads: Mutex::new(handles),
            overflow_recorder: options.overflow_recorder,
        }
    }

    /// Queues `envelope` without ever blocking on delivery; drops it when full or closed.
    pub(crate) fn push(&self, envelope: Envelope) {
        let mut state = self.shared.lock();
        let reason = if state.phase == Phase::Refusing {
            DropReason::SendError
        } else if state.phase >= Phase::Closing {
            DropReason::Shutdown
        } else if state.queue.len() >= state.capacity {
            DropReason::QueueFull
        } else {
            state.queue.push_back(envelope);
            state.accepted += 1;
            let wake = state.idle_threads > 0;
            drop(state);
            if wake {
                self.shared.work.notify_one();
            }
            return;
        };
        drop(state);
        self.shared.ledger.record_dropped(reason, 1);
        if reason == DropReason::QueueFull
            && let Some(recorder) = &self.overflow_recorder
        {
            recorder.record_lost_data(&envelope, TransportLossReason::QueueOverflow);
        }
    }

    /// Waits until everything queued before this call has been delivered or dropped.
    /// Returns `false` if `deadline` came first; nothing is cancelled in that case.
    pub(crate) fn flush(&self, deadline: Instant) -> bool {
        if !self.shared.linger.is_zero() {
            // A lingering thread would otherwise wait out its linger first.
            self.shared.work.notify_all();
        }
        let state = self.shared.lock();
        let target = state.accepted;
        let (_state, done) = self
            .shared
            .wait_until(state, deadline, |s| s.settled >= target || s.exited());
        done
    }

    /// Stops accepting envelopes and tells the threads (and their sinks' requests in
    /// flight) about `deadline`. Returns at once; pair with [`Worker::finish_shutdown`].
    pub(crate) fn begin_shutdown(&self, deadline: Instant) {
        self.shared.deadline.set(deadline);
        let mut state = self.shared.lock();
        state.phase = state.phase.max(Phase::Closing);
        drop(state);
        self.shared.work.notify_all();
    }

    /// Waits for the threads to drain the queue and exit, until `deadline`. At the
    /// deadline, whatever is still queued or in flight is counted as dropped (`shutdown`)
    /// and the threads are detached rather than joined, so this never outlives the
    /// deadline by more than a lock acquisition. Returns whether everything was drained in
    /// time.
    pub(crate) fn finish_shutdown(&self, deadline: Instant) -> bool {
        let state = self.shared.lock();
        let (mut state, exited) = self.shared.wait_until(state, deadline, State::exited);
        let drained = exited && !state.gave_up && state.settled >= state.accepted;
        if !exited {
            self.shared.abandon(&mut state);
        }
        drop(state);
        let handles =
            std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        if exited {
            for handle in handles {
                // It has already left its loop, so this join only waits for the thread to
                // unwind its stack. A panic inside a sink was caught there.
                let _ = handle.join();
            }
        }
        // Otherwise dropping the handles detaches the threads: their requests in flight
        // were told about the deadline and they exit on their own as soon as those return.
        drained
    }
}

impl Drop for Worker {
    /// Dropped without `shutdown` (e.g. a client dropped without `close`): let the threads
    /// finish the queue in the background for a bounded grace period, never block here.
    fn drop(&mut self) {
        if self.shared.lock().phase == Phase::Open {
            self.begin_shutdown(Instant::now() + DROP_GRACE);
        }
    }
}

fn run<S: Sink>(shared: &Shared, index: usize, make_sink: &(dyn Fn() -> S + Send + Sync)) {
    let Ok(mut sink) = catch_unwind(AssertUnwindSafe(make_sink)) else {
        // Same treatment as a thread that could not be started: nothing will ever deliver,
        // so refuse envelopes now rather than let flush and shutdown wait for nothing.
        shared
            .ledger
            .record_error("internal error: destination setup panicked".to_owned());
        let mut state = shared.lock();
        shared.refuse_all(&mut state);
        shared.thread_done(&mut state);
        return;
    };
    // Whether the thread has lingered since it last found the queue empty: it lingers once,
    // then waits to be woken.
    let mut lingered = true;
    loop {
        let envelope = {
            let mut state = shared.lock();
            loop {
                if state.phase >= Phase::Stopped {
                    break None;
                }
                if state.phase == Phase::Closing
                    && shared.deadline.remaining().is_some_and(|l| l.is_zero())
                {
                    // Nobody may be waiting any more (dropped without shutdown): account for
                    // the leftovers ourselves.
                    shared.abandon(&mut state);
                    break None;
                }
                if let Some(envelope) = state.queue.pop_front() {
                    state.slots[index] = Slot::Delivering;
                    break Some(envelope);
                }
                if state.phase >= Phase::Closing {
                    break None;
                }
                if !lingered {
                    lingered = true;
                    state = shared
                        .work
                        .wait_timeout(state, shared.linger)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                    continue;
                }
                state.idle_threads += 1;
                state = shared
                    .work
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                state.idle_threads -= 1;
            }
        };
        let Some(envelope) = envelope else { break };
        lingered = shared.linger.is_zero();

        let delivery = catch_unwind(AssertUnwindSafe(|| {
            sink.deliver(envelope, &shared.deadline)
        }))
        .unwrap_or_else(|_| {
            Delivery::failed(DropReason::SendError, "internal error: sink panicked")
        });

        let mut state = shared.lock();
        let slot = std::mem::take(&mut state.slots[index]);
        if slot != Slot::Abandoned {
            state.settled += 1;
            match delivery {
                Delivery::Sent => shared.ledger.record_sent(),
                Delivery::Dropped { reason, error } => {
                    state.gave_up |= reason == DropReason::Shutdown;
                    shared.ledger.record_dropped(reason, 1);
                    if let Some(error) = error {
                        shared.ledger.record_error(error);
                    }
                }
            }
        }
        let announce = state.progress_waiters > 0;
        drop(state);
        if announce {
            shared.progress.notify_all();
        }
    }
    let mut state = shared.lock();
    shared.thread_done(&mut state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::stats::TransportStats;
    use std::sync::mpsc;

    /// A sink whose deliveries block until the test releases them (or the deadline passes).
    struct GatedSink {
        gate: mpsc::Receiver<Delivery>,
    }

    impl Sink for GatedSink {
        fn deliver(&mut self, _envelope: Envelope, deadline: &ShutdownDeadline) -> Delivery {
            loop {
                match self.gate.recv_timeout(Duration::from_millis(5)) {
                    Ok(delivery) => return delivery,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Delivery::Sent,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if deadline.remaining().is_some_and(|l| l.is_zero()) {
                            return Delivery::dropped(DropReason::Shutdown);
                        }
                    }
                }
            }
        }
    }

    fn gated(capacity: usize) -> (Worker, mpsc::Sender<Delivery>, Arc<TransportStats>) {
        let stats = Arc::new(TransportStats::default());
        let (tx, rx) = mpsc::channel();
        let worker = Worker::spawn(
            "test-worker",
            capacity,
            stats.destination("remote"),
            None,
            move || GatedSink { gate: rx },
        );
        (worker, tx, stats)
    }

    #[test]
    fn full_queue_drops_without_blocking_and_flush_waits_for_deliveries() {
        let (worker, gate, stats) = gated(2);
        let start = Instant::now();
        for _ in 0..10 {
            worker.push(Envelope::new());
        }
        assert!(start.elapsed() < Duration::from_millis(200));
        // One in flight (maybe), two queued, the rest dropped: exact split depends on timing.
        assert!(!worker.flush(Instant::now() + Duration::from_millis(50)));
        for _ in 0..3 {
            gate.send(Delivery::Sent).unwrap();
        }
        assert!(worker.flush(Instant::now() + Duration::from_secs(2)));
        let snap = stats.snapshot();
        let remote = snap.get("remote").unwrap();
        assert_eq!(remote.sent + remote.total_dropped(), 10);
        assert!(remote.dropped_count("queue_full") >= 7);
        assert!(worker.finish_shutdown_now());
    }

    #[test]
    fn shutdown_deadline_counts_queued_and_in_flight_as_dropped() {
        let (worker, _gate, stats) = gated(5);
        for _ in 0..4 {
            worker.push(Envelope::new());
        }
        let start = Instant::now();
        let deadline = start + Duration::from_millis(150);
        worker.begin_shutdown(deadline);
        assert!(!worker.finish_shutdown(deadline));
        assert!(start.elapsed() < Duration::from_millis(300));
        // The sink may return its own `Shutdown` verdict just before the caller gives up;
        // either way each envelope is counted once.
        std::thread::sleep(Duration::from_millis(50));
        let snap = stats.snapshot();
        assert_eq!(snap.get("remote").unwrap().dropped_count("shutdown"), 4);
        assert_eq!(snap.total_sent(), 0);
        worker.push(Envelope::new());
        assert_eq!(
            stats
                .snapshot()
                .get("remote")
                .unwrap()
                .dropped_count("shutdown"),
            5
        );
    }

    /// A sink that counts what it delivered.
    struct Counting(Arc<std::sync::atomic::AtomicUsize>);

    impl Sink for Counting {
        fn deliver(&mut self, _: Envelope, _: &ShutdownDeadline) -> Delivery {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Delivery::Sent
        }
    }

    fn lingering(linger: Duration) -> (Worker, Arc<std::sync::atomic::AtomicUsize>) {
        let delivered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = Arc::clone(&delivered);
        let worker = Worker::spawn_pool(
            WorkerOptions {
                name: "test-lingering",
                threads: 1,
                capacity: 100,
                ledger: Arc::new(TransportStats::default()).destination("remote"),
                overflow_recorder: None,
                linger,
            },
            move || Counting(Arc::clone(&count)),
        );
        (worker, delivered)
    }

    #[test]
    fn a_linger_delays_nothing_that_flush_or_shutdown_waits_for() {
        use std::sync::atomic::Ordering;
        // A linger far longer than the deadlines: waiting it out would fail both.
        let (worker, delivered) = lingering(Duration::from_secs(600));
        for round in 1..=3 {
            for _ in 0..5 {
                worker.push(Envelope::new());
            }
            assert!(worker.flush(Instant::now() + Duration::from_secs(30)));
            assert_eq!(delivered.load(Ordering::SeqCst), 5 * round);
        }
        worker.push(Envelope::new());
        let deadline = Instant::now() + Duration::from_secs(30);
        worker.begin_shutdown(deadline);
        assert!(worker.finish_shutdown(deadline));
        assert_eq!(delivered.load(Ordering::SeqCst), 16);
    }

    #[test]
    fn dropped_worker_gives_up_after_the_grace_period_on_its_own() {
        let (worker, _gate, stats) = gated(5);
        worker.push(Envelope::new());
        worker.push(Envelope::new());
        let start = Instant::now();
        drop(worker);
        assert!(start.elapsed() < Duration::from_millis(100));
        std::thread::sleep(DROP_GRACE + Duration::from_millis(200));
        let snap = stats.snapshot();
        assert_eq!(snap.get("remote").unwrap().dropped_count("shutdown"), 2);
    }

    #[test]
    fn deadline_wakes_async_waiters_set_after_they_started() {
        let deadline = Arc::new(ShutdownDeadline::default());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let setter = Arc::clone(&deadline);
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            setter.set(Instant::now() + Duration::from_millis(20));
        });
        let start = Instant::now();
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(2), deadline.expired())
                .await
                .expect("expired() must complete once a deadline is set and passes");
        });
        assert!(start.elapsed() >= Duration::from_millis(45));
        t.join().unwrap();
    }

    struct NeverBuilt;

    impl Sink for NeverBuilt {
        fn deliver(&mut self, _: Envelope, _: &ShutdownDeadline) -> Delivery {
            Delivery::Sent
        }
    }

    #[test]
    fn a_sink_that_cannot_be_built_refuses_envelopes_instead_of_hanging() {
        let stats = Arc::new(TransportStats::default());
        let worker = Worker::spawn("test-broken", 5, stats.destination("remote"), None, || {
            if true {
                panic!("setup failed");
            }
            NeverBuilt
        });
        // Setup runs on the worker thread; give it a moment to fail.
        let start = Instant::now();
        while !worker.shared.lock().exited() && start.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(5));
        }
        worker.push(Envelope::new());
        assert!(worker.flush(Instant::now() + Duration::from_millis(100)));
        let snap = stats.snapshot();
        let remote = snap.get("remote").unwrap();
        assert_eq!(remote.dropped_count("send_error"), 1);
        assert!(
            remote
                .last_error
                .as_deref()
                .unwrap()
                .contains("setup panicked")
        );
        assert!(worker.finish_shutdown_now());
    }

    impl Worker {
        fn finish_shutdown_now(&self) -> bool {
            let deadline = Instant::now() + Duration::from_secs(2);
            self.begin_shutdown(deadline);
            self.finish_shutdown(deadline)
        }
    }
}
