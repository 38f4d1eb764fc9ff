import Foundation
import GantryCore

/// The operator's tasks behind `gantry-hub plants …` and `gantry-hub tokens …`.
public struct HubAdministration: Sendable {
    let store: any HubStore
    let configuration: HubConfiguration

    public init(store: any HubStore, configuration: HubConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    /// Enrols a plant and returns the agent configuration it needs, token included (shown only now).
    public func enrolPlant(company: String, code: String, timeZone: String) async throws -> String {
        let identity = try PlantIdentity(company: company, code: code)
        guard TimeZone(identifier: timeZone) != nil else {
            throw IdentifierError(reason: "unknown time zone \"\(timeZone)\" (use an IANA name such as Europe/Berlin)")
        }
        let token = SecretToken.generate(.plant)
        let plant = try await store.enrolPlant(identity, timeZone: timeZone, tokenHash: SecretToken.hash(token))
        return agentConfiguration(plantID: plant.plantID, timeZone: plant.timeZone, token: token)
    }

    /// Issues a new token for a plant; the old one stops working at once.
    public func rotatePlantToken(plantID: String) async throws -> String {
        guard let plant = try await store.plants().first(where: { $0.plantID == plantID }) else {
            throw HubStoreError(.notFound, "no plant \(plantID)")
        }
        let token = SecretToken.generate(.plant)
        try await store.replacePlantToken(plantID: plantID, tokenHash: SecretToken.hash(token))
        return agentConfiguration(plantID: plant.plantID, timeZone: plant.timeZone, token: token)
    }

    /// Creates an administrator token and returns it (shown only now).
    public func addAdminToken(name: String) async throws -> String {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw IdentifierError(reason: "a token name is 1 to 64 letters, digits, '-', '_' or '.', got \"\(name)\"")
        }
        let token = SecretToken.generate(.admin)
        try await store.addAdminToken(name: name, tokenHash: SecretToken.hash(token))
        return token
    }

    /// Revokes an administrator token by name.
    public func revokeAdminToken(name: String) async throws {
        guard try await store.revokeAdminToken(name: name) else {
            throw HubStoreError(.notFound, "no active administrator token named \(name)")
        }
    }

    /// One line per plant.
    public func listPlants() async throws -> [String] {
        try await store.plants().map { "\($0.plantID)\t\($0.timeZone)\tenrolled \(Timestamp.format($0.enrolledAt))" }
    }

    /// One line per administrator token.
    public func listAdminTokens() async throws -> [String] {
        try await store.adminTokens().map { token in
            "\(token.name)\tcreated \(Timestamp.format(token.createdAt))"
                + (token.revokedAt.map { "\trevoked \(Timestamp.format($0))" } ?? "")
        }
    }

    private func agentConfiguration(plantID: String, timeZone: String, token: String) -> String {
        """
        # gantry-agent configuration for plant \(plantID) (\(timeZone))
        # The token is shown only once; the hub keeps only its hash.
        plant.id = \(plantID)
        hub.url = \(configuration.agentFacingURL)
        hub.token = \(token)
        """
    }
}
