import GantryCore

/// A store that can say how big its database is, for `gantry_hub_store_bytes`.
protocol StoreSizeReading: Sendable {
    /// The backend's name (`sqlite`, `postgresql`) and the database's bytes.
    func storeBytes() async throws -> (backend: String, bytes: Int64)
}
