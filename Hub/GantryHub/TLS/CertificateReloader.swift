import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the hub's certificate and key again on every SIGHUP, until graceful shutdown. A file that cannot be
/// used is logged and the previous certificate stays in use: a bad reload never stops the hub or its listener.
struct CertificateReloader: Service {
    let tls: ReloadableTLSContext
    /// Made before the hub listens, so that a SIGHUP from then on is trapped rather than ending the process.
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async {
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                try tls.reload()
                logger.notice("TLS certificate reloaded; new connections use it, open ones keep theirs")
            } catch {
                logger.error("TLS certificate not reloaded; the previous one stays in use", metadata: ["reason": "\(error)"])
            }
        }
    }
}
