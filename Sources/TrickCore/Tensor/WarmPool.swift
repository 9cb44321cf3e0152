#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Worker threads that stay awake for a moment after each job, for kernels of ~50 µs–1 ms that are
/// called back to back (softmax, log_softmax, cross-entropy on small and medium maps).
///
/// `Parallel.ranges` hands its parts to GCD, whose idle worker threads sleep: on this project's
/// virtual bench machine each call then paid the wake-up of the second core's thread (measured
/// 15–25 µs: `concurrentPerform(2)` of 2 × 11 µs took 27–35 µs, the same split over a spinning
/// thread 11.5–12 µs), so a 155 K-logit cross-entropy gained little from its second core. Here the
/// workers, after finishing a part, keep polling for the next job for `spinNanoseconds` (with a
/// `sched_yield` now and then) before they sleep on a condition variable; a job published while
/// they poll starts within a microsecond. Parts are claimed, by the workers and by the caller
/// alike, so a worker that is asleep or preempted (a busy machine) does not hold the caller up:
/// the caller runs the parts nobody claimed (with a plain wait on the workers, a loaded machine made
/// the median call 50× slower).
///
/// Parts are the same contiguous ranges as `Parallel.ranges` (part k of t is
/// `count·k/t ..< count·(k+1)/t`), so results do not depend on which pool ran them. One job at a
/// time: a job submitted while another runs (from another thread, or from inside a part) runs
/// through `Parallel.ranges` instead.
enum WarmPool {
    /// How long an idle worker polls before it sleeps.
    static let spinNanoseconds = 200_000
    /// Worker threads besides the caller's: one per further online core, at most 7.
    static let workers = Swift.max(0, Swift.min(Parallel.onlineCores, 8) - 1)

    /// Threads worth using for about `nanoseconds` of single-thread work: the hand-off to a polling
    /// worker costs ~1 µs, to a sleeping one ~20 µs; below ~10 µs of work one thread is best.
    static func threads(forNanoseconds nanoseconds: Double) -> Int {
        if nanoseconds < 10_000 { return 1 }
        return Swift.min(workers + 1, Swift.max(1, Int(nanoseconds / 5_000)))
    }

    /// Runs `body(first, last)` over `0..<count` split into `threads` contiguous ranges in parallel.
    static func ranges(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let t = Swift.min(threads, count, workers + 1)
        if t <= 1 { body(0, count); return }
        guard state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            Parallel.ranges(count, threads: t, body)
            return
        }
        defer { state.busy.store(false, ordering: .releasing) }
        state.startIfNeeded()
        withoutActuallyEscaping(body) { f in
            var job = Job(count: count, parts: t, body: f)
            withUnsafeMutablePointer(to: &job) { p in
                state.job = UnsafeRawPointer(p)
                state.done.store(0, ordering: .relaxed)
                state.serial = state.serial % 0xFF_FFFF_FFFF + 1   // never 0: a worker's "no job yet"
                let serial = state.serial
                // the job's number, its part count and the next unclaimed part in one word
                state.word.store(serial << 16 | t << 8, ordering: .releasing)
                state.wakeSleepers()
                // the caller claims parts too: a worker that is asleep or preempted before it claims
                // costs nothing but its share of the speed-up
                while let k = state.claim(serial) { WarmPool.runPart(UnsafeRawPointer(p), k); state.done.add(1, ordering: .releasing) }
                var polls = 0
                while state.done.load(ordering: .acquiring) != t {
                    polls &+= 1
                    if polls & 255 == 0 { sched_yield() }
                }
                state.job = nil
            }
        }
    }

    struct Job {
        let count: Int
        let parts: Int
        let body: (Int, Int) -> Void
    }

    /// Runs part `k` of the job at `p`; not inlined, so that its copy of the closure is released
    /// before the part is reported done.
    @inline(never)
    static func runPart(_ p: UnsafeRawPointer, _ k: Int) {
        let job = p.assumingMemoryBound(to: Job.self)
        let count = job.pointee.count, t = job.pointee.parts
        job.pointee.body(count * k / t, count * (k + 1) / t)
    }

    static let state = State()

    final class State: @unchecked Sendable {
        let busy = Atomic<Bool>(false)
        /// `serial << 16 | parts << 8 | next unclaimed part` of the latest job.
        let word = Atomic<Int>(0)
        /// Parts of the current job finished.
        let done = Atomic<Int>(0)
        /// Written by the submitting thread before `word` (release), read after a claim (acquire).
        nonisolated(unsafe) var job: UnsafeRawPointer?
        nonisolated(unsafe) var serial = 0
        nonisolated(unsafe) var started = false
        let mutex: UnsafeMutablePointer<pthread_mutex_t>
        let cond: UnsafeMutablePointer<pthread_cond_t>
        /// Workers asleep on `cond` (under `mutex`).
        nonisolated(unsafe) var sleepers = 0

        init() {
            mutex = .allocate(capacity: 1)
            cond = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(cond, nil)
        }

        /// The next unclaimed part of job `serial`, or nil when all are claimed or the job is
        /// another. A claim is only made while the job is live: its submitter waits for every
        /// claimed part before it returns.
        func claim(_ serial: Int) -> Int? {
            var w = word.load(ordering: .relaxed)
            while true {
                guard w >> 16 == serial, w & 0xFF < (w >> 8) & 0xFF else { return nil }
                let (exchanged, original) = word.compareExchange(expected: w, desired: w + 1, ordering: .acquiringAndReleasing)
                if exchanged { return w & 0xFF }
                w = original
            }
        }

        /// Starts the workers on first use (only the thread holding `busy` gets here).
        func startIfNeeded() {
            if started { return }
            started = true
            if WarmPool.workers == 0 { return }
            for _ in 1...WarmPool.workers {
                var thread = pthread_t()
                let rc = pthread_create(&thread, nil, { _ in
                    WarmPool.state.workerLoop()
                    return nil
                }, nil)
                if rc == 0 { pthread_detach(thread) }
            }
        }

        func wakeSleepers() {
            pthread_mutex_lock(mutex)
            if sleepers > 0 { pthread_cond_broadcast(cond) }
            pthread_mutex_unlock(mutex)
        }

        static func nanoseconds() -> Int {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
        }

        func workerLoop() {
            var seen = 0   // no job yet
            while true {
                var g = word.load(ordering: .acquiring) >> 16
                if g == seen {
                    // poll, then sleep
                    let deadline = State.nanoseconds() + WarmPool.spinNanoseconds
                    var polls = 0
                    while g == seen {
                        polls &+= 1
                        if polls & 255 == 0 {
                            if State.nanoseconds() > deadline { break }
                            if polls & 4095 == 0 { sched_yield() }
                        }
                        g = word.load(ordering: .acquiring) >> 16
                    }
                    if g == seen {
                        pthread_mutex_lock(mutex)
                        sleepers += 1
                        while word.load(ordering: .acquiring) >> 16 == seen { pthread_cond_wait(cond, mutex) }
                        sleepers -= 1
                        pthread_mutex_unlock(mutex)
                        g = word.load(ordering: .acquiring) >> 16
                    }
                }
                seen = g
                while let k = claim(g), let p = job {
                    WarmPool.runPart(p, k)
                    done.add(1, ordering: .releasing)
                }
            }
        }
    }
}
