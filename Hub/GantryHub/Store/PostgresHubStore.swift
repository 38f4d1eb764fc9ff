import Foundation
import GantryCore
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import _ConnectionPoolModule

/// The hub's store on a PostgreSQL server, for companies that outgrow one hub process on a SQLite file.
/// Several hub processes may share one database: a plant's batches are serialised by a row lock on the
/// plant, so a batch sent to two hubs at once is applied exactly once. Catch-up is set-based: a batch's
/// events and projections go in as one `INSERT … SELECT FROM unnest(arrays)` per table.
///
/// The store is a `Service`: its connection pool works only while `run()` runs. The hub runs it in its
/// `ServiceGroup` before the HTTP server, so on shutdown the server stops first and the pool after it; a command
/// that only uses the database runs it for the command's duration (`withRunning`).
public final class PostgresHubStore: HubStore, Service {
    let client: PostgresClient
    let url: DatabaseURL
    let timeout: Duration
    let logger: Logger
    /// The hub's clock: when plants are enrolled and audit entries written.
    let now: @Sendable () -> Date
    /// The masters posting reads, decoded once per master version.
    let ledgerMasterCache = LedgerMasterCache()

    private init(client: PostgresClient, url: DatabaseURL, timeout: Duration, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.url = url
        self.timeout = timeout
        self.logger = logger
        self.now = now
    }

    /// Connects, checks the credentials and the schema, and migrates, on one connection of its own; then returns
    /// the store with a pool of `poolSize` connections that opens them once `run()` runs. Fails with a message
    /// saying what is wrong and what to do: unreachable server, refused credentials, missing database, or a
    /// schema written by a newer hub.
    public static func open(
        _ url: DatabaseURL, poolSize: Int = 10, timeout: Duration = .seconds(10), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> PostgresHubStore {
        let configuration = try connectionConfiguration(url, timeout: timeout)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw startupError(error, url: url)
        }
        do {
            try await migrate(connection, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw translate(error)
        }
        var options = PostgresClient.Configuration.Options()
        options.maximumConnections = poolSize
        options.minimumConnections = 0
        options.connectTimeout = timeout
        var poolConfiguration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: clientTLS(url.tls))
        poolConfiguration.options = options
        return PostgresHubStore(
            client: PostgresClient(configuration: poolConfiguration, backgroundLogger: logger), url: url,
            timeout: timeout, logger: logger, now: now)
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down gracefully; queries
    /// wait until it runs. Call it once per store.
    public func run() async throws {
        await client.run()
    }

    // MARK: Connection settings

    /// libpq's sslmode as a TLS setting: whether TLS is required, and whether the certificate is checked.
    private static func tls(_ mode: DatabaseURL.TLSMode) -> (configuration: TLSConfiguration, required: Bool)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        if mode != .verifyFull { tls.certificateVerification = .none }
        switch mode {
        case .disable: return nil
        case .prefer: return (tls, false)
        case .require, .verifyFull: return (tls, true)
        }
    }

    private static func connectionConfiguration(_ url: DatabaseURL, timeout: Duration) throws -> PostgresConnection.Configuration {
        var tls = PostgresConnection.Configuration.TLS.disable
        if let setting = Self.tls(url.tls) {
            let context = try NIOSSLContext(configuration: setting.configuration)
            tls = setting.required ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(max(timeout.components.seconds, 1))
        return configuration
    }

    private static func clientTLS(_ mode: DatabaseURL.TLSMode) -> PostgresClient.Configuration.TLS {
        guard let setting = tls(mode) else { return .disable }
        return setting.required ? .require(setting.configuration) : .prefer(setting.configuration)
    }

    /// Names what went wrong when the first connection fails, and what the operator can do about it.
    static func startupError(_ error: any Error, url: DatabaseURL) -> HubStoreError {
        if let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "\(psql.code)"
            switch state {
            case "28P01", "28000":
                return HubStoreError(.credentials, """
                    PostgreSQL at \(url.host):\(url.port) refused user \(url.user) (\(message)); \
                    check the user and password in store.url and the server's pg_hba.conf
                    """)
            case "3D000":
                return HubStoreError(.unusable, """
                    database \(url.database) does not exist on \(url.host):\(url.port); \
                    create it (createdb -O \(url.user) \(url.database)) or fix store.url
                    """)
            default:
                return HubStoreError(.unusable, "PostgreSQL at \(url.host):\(url.port) refused the connection: \(message) (SQLSTATE \(state))")
            }
        }
        if let psql = error as? PSQLError, psql.code == .sslUnsupported {
            return HubStoreError(.unusable, "PostgreSQL at \(url.host):\(url.port) does not offer TLS; use sslmode=disable or prefer, or enable ssl on the server")
        }
        return HubStoreError(.unreachable, """
            cannot reach PostgreSQL at \(url.host):\(url.port) (\(describe(error))); \
            is the server running and listening there, and is store.url right?
            """)
    }

    private static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError { return psql.underlying.map { "\($0)" } ?? "\(psql.code)" }
        return "\(error)"
    }

    // MARK: Running queries

    /// Runs `body` on a connection of its own within the store timeout, turning a database that is away or does not
    /// answer into `HubStoreError.unavailable` (the API answers 503) and server-side constraint errors into their
    /// meaning. The time limit does not wait for the query (see `AbandonableCall`): on time-out the connection is
    /// closed, which ends the query and makes the server roll back what it had not committed (docs/postgresql.md says
    /// what a 503 leaves behind).
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client, timeout = timeout, logger = logger
        do {
            return try await AbandonableCall.run(timeout: timeout, timedOut: {
                HubStoreError(.unavailable, "the database did not answer within \(timeout)")
            }) { call in
                try await client.withConnection { connection in
                    let accepted = call.whenAbandoned {
                        logger.warning("gave up waiting for the database; closing the connection", metadata: [
                            "connection": "\(connection.id)", "store.timeout": "\(timeout)",
                        ])
                        connection.close().whenComplete { _ in }
                    }
                    guard accepted else { throw CancellationError() }
                    return try await body(connection)
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// The error a caller should see: a transaction's own error rather than its wrapper, a lost database as
    /// `HubStoreError.unavailable`.
    static func translate(_ error: any Error) -> any Error {
        switch error {
        case let wrapped as PostgresTransactionError:
            guard let inner = wrapped.closureError ?? wrapped.beginError ?? wrapped.commitError ?? wrapped.rollbackError
            else { return error }
            return translate(inner)
        case let psql as PSQLError:
            return classify(psql)
        case is ConnectionPoolError:
            return HubStoreError(.unavailable, "no connection to the database can be made")
        default:
            return error
        }
    }

    /// Runs `body` in one transaction.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = logger
        return try await run { connection in try await Self.inTransaction(connection, logger: logger, body) }
    }

    /// `body` between BEGIN and COMMIT. Not postgres-nio's `withTransaction`: that one sends ROLLBACK after a failed
    /// statement even when the connection is gone, and postgres-nio never answers a query written to a closed
    /// connection (the write is dropped with its handler, the query's promise is never completed), so a request in
    /// flight when the server went away waited forever. The server rolls back a transaction whose connection closed.
    static func inTransaction<T>(
        _ connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            if !connection.isClosed {
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                } catch {
                    // Never hand a connection still in a transaction back to the pool.
                    connection.close().whenComplete { _ in }
                }
            }
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return value
    }

    static func classify(_ error: PSQLError) -> any Error {
        if let state = error.serverInfo?[.sqlState] {
            if state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(state) {
                return HubStoreError(.unavailable, "the database is unavailable (SQLSTATE \(state))")
            }
            return error
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return HubStoreError(.unavailable, "the connection to the database was lost")
        default:
            return error
        }
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
