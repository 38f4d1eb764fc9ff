import Synchronization

/// A call raced against a time limit, for work that may never notice cancellation: a query waits on a connection
/// whose server holds it back or went silent, and postgres-nio's queries do not end when their task is cancelled.
///
/// Racing the work against a timer in a task group does not bound it: a group returns only once every child has
/// ended, so the timer's win is waited out. Here the caller waits on a continuation that the first of three resumes:
/// the work's result, the timer, or the caller's own cancellation. Work that loses is never waited for: the hook it
/// registered with ``whenAbandoned(_:)`` runs (closing its connection fails whatever it waits for), its task is
/// cancelled, and it ends by itself.
final class AbandonableCall<Value: Sendable>: Sendable {
    private enum State {
        /// Not yet answered: the caller's continuation once it waits, the hook that ends the work once registered.
        case running(CheckedContinuation<Value, any Error>?, hook: (@Sendable () -> Void)?)
        /// Answered before the caller waited (cancelled at once): the caller gets this when it does.
        case answeredEarly(Result<Value, any Error>)
        case answered
    }

    private let state = Mutex<State>(.running(nil, hook: nil))

    private init() {}

    /// Runs `work` in a task of its own; returns its result if it ends within `timeout`, else throws `timedOut()`.
    /// Cancelling the caller throws `CancellationError` at once. `work` gets the call to register its hook with.
    static func run(
        timeout: Duration, clock: any Clock<Duration> = ContinuousClock(),
        timedOut: @escaping @Sendable () -> any Error,
        _ work: @escaping @Sendable (AbandonableCall<Value>) async throws -> Value
    ) async throws -> Value {
        let call = AbandonableCall<Value>()
        let worker = Task {
            let result: Result<Value, any Error>
            do { result = .success(try await work(call)) } catch { result = .failure(error) }
            call.answer(result, abandoning: false)
        }
        let timer = Task {
            guard (try? await clock.sleep(for: timeout)) != nil else { return }
            call.answer(.failure(timedOut()), abandoning: true)
        }
        defer { timer.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in call.wait(continuation) }
            } onCancel: {
                call.answer(.failure(CancellationError()), abandoning: true)
            }
        } catch {
            worker.cancel()
            throw error
        }
    }

    /// Registers what ends the work when it is abandoned. Returns false when it already is: the work should stop.
    func whenAbandoned(_ hook: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard case .running(let continuation, _) = state else { return false }
            state = .running(continuation, hook: hook)
            return true
        }
    }

    private func wait(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            switch state {
            case .running(_, let hook):
                state = .running(continuation, hook: hook)
                return nil
            case .answeredEarly(let result):
                state = .answered
                return result
            case .answered:
                preconditionFailure("an abandonable call is waited for once")
            }
        }
        if let early { continuation.resume(with: early) }
    }

    /// The first answer wins; `abandoning` runs the work's hook (the timer's or the caller's answer, not the work's).
    private func answer(_ result: Result<Value, any Error>, abandoning: Bool) {
        let (continuation, hook) = state.withLock { state -> (CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
            guard case .running(let continuation, let hook) = state else { return (nil, nil) }
            state = continuation == nil ? .answeredEarly(result) : .answered
            return (continuation, hook)
        }
        if abandoning { hook?() }
        continuation?.resume(with: result)
    }
}
