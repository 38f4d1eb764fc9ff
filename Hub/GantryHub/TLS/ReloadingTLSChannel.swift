import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// HTTP/1.1 behind TLS whose context is read from a `ReloadableTLSContext` for every accepted connection (as
/// HummingbirdTLS's `TLSChannel` does with one fixed context): a reloaded certificate reaches the connections
/// accepted after the reload, while each open connection keeps the context it started with.
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let tls: ReloadableTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = tls.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadingTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

/// The hub's server: HTTP/1.1 over TLS with the context current when each connection is accepted, or plain
/// HTTP/1.1 without `tls`.
func hubServer(tls: ReloadableTLSContext?) -> HTTPServerBuilder {
    guard let tls else { return .http1() }
    return HTTPServerBuilder { responder in ReloadingTLSChannel(base: HTTP1Channel(responder: responder), tls: tls) }
}
