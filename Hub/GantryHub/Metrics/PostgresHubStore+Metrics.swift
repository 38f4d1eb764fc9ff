import Foundation
import PostgresNIO

extension PostgresHubStore: StoreSizeReading {
    /// `pg_database_size` of the hub's database: every table, index and TOAST of it on disk.
    func storeBytes() async throws -> (backend: String, bytes: Int64) {
        let bytes = try await run { [logger] client in
            var bytes: Int64 = 0
            for try await size in try await client.query(
                "SELECT pg_database_size(current_database())::bigint", logger: logger
            ).decode(Int64.self) {
                bytes = size
            }
            return bytes
        }
        return ("postgresql", bytes)
    }
}
