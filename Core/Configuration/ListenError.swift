import Foundation

/// The HTTP server could not listen where it was told to: says the address, why in plain words, and which
/// settings to change, instead of the socket call and errno (`bind(descriptor:ptr:bytes:): Address already in use`).
public struct ListenError: Error, Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The failed call's `errno`.
    public var code: Int32
    /// The settings that chose the address, e.g. `http.host` and `http.port`.
    public var hostKey: String
    public var portKey: String

    public init(host: String, port: Int, code: Int32, hostKey: String = "http.host", portKey: String = "http.port") {
        self.host = host
        self.port = port
        self.code = code
        self.hostKey = hostKey
        self.portKey = portKey
    }

    public var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let (reason, remedy): (String, String) = switch code {
        case EADDRINUSE:
            ("address already in use", "another program, or another Gantry, listens there: set \(portKey) to a free port or stop it")
        case EADDRNOTAVAIL:
            ("no interface of this machine has that address", "set \(hostKey) to one of this machine's addresses, or 127.0.0.1")
        case EACCES:
            ("permission denied", "ports below 1024 need privileges: set \(portKey) to 1024 or above")
        default:
            (String(cString: strerror(code)).lowercased(), "check \(hostKey) and \(portKey)")
        }
        return "cannot listen on \(address): \(reason) (\(remedy))"
    }
}
