import Foundation
import NIOSSL
import Synchronization

/// The hub's current TLS context, built from `HubTLSSettings`' files and replaced by `reload()`. Each new
/// connection takes the context current when it is accepted and keeps it: a reload changes what later
/// connections see and never touches one already open.
public final class ReloadableTLSContext: Sendable {
    private let settings: HubTLSSettings
    private let current: Mutex<NIOSSLContext>

    /// Reads the certificate chain, key and client CA; throws `TLSFileError` when one cannot be used.
    public init(settings: HubTLSSettings) throws(TLSFileError) {
        self.settings = settings
        current = Mutex(try Self.context(settings))
    }

    /// The context a connection accepted now uses.
    public var context: NIOSSLContext { current.withLock { $0 } }

    /// Reads the files again and makes them current. On error the previous context stays in use and the error
    /// is thrown for the caller to log.
    public func reload() throws(TLSFileError) {
        let fresh = try Self.context(settings)
        current.withLock { $0 = fresh }
    }

    /// A server context of TLS 1.2 or later; with a client CA, one that requires and verifies client certificates.
    static func context(_ settings: HubTLSSettings) throws(TLSFileError) -> NIOSSLContext {
        guard let certificateFile = settings.certificateFile, let keyFile = settings.keyFile else {
            throw TLSFileError(key: "tls.certificate", path: "", reason: "no certificate configured")
        }
        let chain = try certificates(in: certificateFile, key: "tls.certificate")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSFileError(key: "tls.key", path: keyFile, reason: "no readable PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCAFile = settings.clientCAFile {
            configuration.trustRoots = .certificates(try certificates(in: clientCAFile, key: "tls.client_ca"))
            // Clients are identified by their certificate chain, not by a host name.
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(
                key: "tls.key", path: keyFile, reason: "the key does not fit the certificate in \(certificateFile) (\(error))")
        }
    }

    private static func certificates(in path: String, key: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TLSFileError(key: key, path: path, reason: "the file is missing or not readable")
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSFileError(key: key, path: path, reason: "no readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFileError(key: key, path: path, reason: "no readable PEM certificate (the file holds none)") }
        return chain
    }
}

/// A TLS file the hub cannot serve with: which key named it, where it is, and what is wrong.
public struct TLSFileError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var path: String
    public var reason: String

    public var description: String { "\(key) = \(path): \(reason)" }
}
