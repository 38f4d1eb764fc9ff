import Foundation
import GantryCore

/// The operator's tasks behind `gantry-hub plants …` and `gantry-hub tokens …`.
public struct HubAdministration: Sendable {
    public let store: any HubStore
    let configuration: HubConfiguration
    /// The clock that judges expiries and dates principals, revocations and new master versions.
    let now: @Sendable () -> Date

    /// The operator's tasks over `store`; `now` is the clock (the wall clock unless a caller sets one).
    public init(store: any HubStore, configuration: HubConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.configuration = configuration
        self.now = now
    }

    /// The company master record a new company gets when its first plant is enrolled.
    public struct NewCompany: Sendable, Equatable {
        /// The company's legal name (the code when none is given).
        public var legalName: String?
        /// Its ISO 4217 currency, e.g. EUR.
        public var currency: String

        public init(legalName: String?, currency: String) {
            self.legalName = legalName
            self.currency = currency
        }
    }

    /// Enrols a plant and returns the agent configuration it needs, token included (shown only now), with the
    /// store at `storeDirectory/PLANT.sqlite`. Refused before anything is written when agents could not reach the
    /// hub at the URL it would print (`HubConfiguration.reachableAgentURL`), or when `storeDirectory` is not absolute.
    /// With `newCompany`, the company's master record is created first if it has none (a master change like any
    /// other: one version, audited), so the company's masters can be imported right away.
    public func enrolPlant(
        company: String, code: String, timeZone: String,
        storeDirectory: String = HubConfiguration.defaultAgentStoreDirectory, newCompany: NewCompany? = nil,
        by actor: Actor = .local()
    ) async throws -> String {
        let identity = try PlantIdentity(company: company, code: code)
        guard TimeZone(identifier: timeZone) != nil else {
            throw IdentifierError(reason: "unknown time zone \"\(timeZone)\" (use an IANA name such as Europe/Berlin)")
        }
        let hubURL = try configuration.reachableAgentURL()
        guard storeDirectory.hasPrefix("/") else {
            throw IdentifierError(reason: "the agent's store folder must be an absolute path, got \"\(storeDirectory)\"")
        }
        if let newCompany, try await !hasCompanyMaster(identity.company) {
            guard try await !store.plants().contains(where: { $0.plantID == identity.plantID }) else {
                throw HubStoreError(.duplicate, "plant \(identity.plantID) is already enrolled")
            }
            let record = MasterDraft(
                kind: .company, company: nil, key: identity.company,
                data: .object(["legalName": .string(newCompany.legalName ?? identity.company), "currency": .string(newCompany.currency)]))
            _ = try await MasterService(store: store, now: now).commit(
                [record], by: actor, summary: "company \(identity.company), created with its first plant \(identity.plantID)")
        }
        let token = SecretToken.generate(.plant)
        let audit = AuditDraft(
            actor: actor.name, action: "plant.enrolled", subject: "plant \(identity.plantID)", company: identity.company,
            before: nil, after: JSONValue.object(["plant": .string(identity.plantID), "timeZone": .string(timeZone)]).canonicalText)
        let plant = try await store.enrolPlant(identity, timeZone: timeZone, tokenHash: SecretToken.hash(token), audit: audit)
        let folder = storeDirectory.hasSuffix("/") && storeDirectory.count > 1 ? String(storeDirectory.dropLast()) : storeDirectory
        return agentConfiguration(plantID: plant.plantID, timeZone: plant.timeZone, hubURL: hubURL, token: token)
            + "\nstore.path = \(folder == "/" ? "" : folder)/\(plant.plantID).sqlite"
    }

    /// Whether company `code` has its master record.
    public func hasCompanyMaster(_ code: String) async throws -> Bool {
        let identity = MasterIdentity(kind: .company, company: code, key: code)
        return try await store.existingMasters([identity]).contains(identity)
    }

    /// Issues a new token for a plant; the old one stops working at once.
    public func rotatePlantToken(plantID: String, by actor: Actor = .local()) async throws -> String {
        guard let plant = try await store.plants().first(where: { $0.plantID == plantID }) else {
            throw HubStoreError(.notFound, "no plant \(plantID)")
        }
        let hubURL = try configuration.reachableAgentURL()
        let token = SecretToken.generate(.plant)
        let audit = AuditDraft(
            actor: actor.name, action: "plant.token-replaced", subject: "plant \(plantID)", company: plant.company,
            before: nil, after: nil)
        try await store.replacePlantToken(plantID: plantID, tokenHash: SecretToken.hash(token), audit: audit)
        return agentConfiguration(plantID: plant.plantID, timeZone: plant.timeZone, hubURL: hubURL, token: token)
            + "\n# keep the plant's store.path as it is"
    }

    /// Creates a principal and returns its token (shown only now). The new principal's companies must lie
    /// within the creator's, so nobody hands out more than they hold.
    public func addPrincipal(
        name: String, kind: PrincipalRecord.Kind = .service, role: Role = .administrator, companies: CompanyScope = .all,
        expiresAt: Date? = nil, by actor: Actor = .local()
    ) async throws -> String {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw IdentifierError(reason: "a principal name is 1 to 64 letters, digits, '-', '_', '.' or '@', got \"\(name)\"")
        }
        guard actor.companies.contains(companies) else {
            throw AccessDenied("a principal may be given only companies within \(actor.companies)")
        }
        let at = now()
        if let expiresAt, expiresAt <= at { throw IdentifierError(reason: "the expiry must lie in the future") }
        let principal = PrincipalRecord(
            name: name, kind: kind, role: role, companies: companies, createdAt: at, expiresAt: expiresAt)
        let token = SecretToken.generate(role == .administrator ? .admin : .user)
        let audit = AuditDraft(
            actor: actor.name, action: "principal.added", subject: "principal \(name)", company: companies.single,
            before: nil, after: principal.auditText)
        try await store.addPrincipal(principal, tokenHash: SecretToken.hash(token), audit: audit)
        return token
    }

    /// Revokes a principal's token by name.
    public func revokePrincipal(name: String, by actor: Actor = .local()) async throws {
        let before = try await principal(named: name, visibleTo: actor)
        var after = before
        after.revokedAt = now()
        let audit = AuditDraft(
            actor: actor.name, action: "principal.revoked", subject: "principal \(name)", company: before.companies.single,
            before: before.auditText, after: after.auditText)
        guard try await store.revokePrincipal(name: name, at: after.revokedAt!, audit: audit) else {
            throw HubStoreError(.notFound, "no active principal named \(name)")
        }
    }

    /// Gives a principal a new token (the old one stops working) and optionally a new expiry.
    public func rotatePrincipalToken(name: String, expiresAt: Date?, by actor: Actor = .local()) async throws -> String {
        // As at creation: a token that is expired when issued would lock the principal out.
        if let expiresAt, expiresAt <= now() { throw IdentifierError(reason: "the expiry must lie in the future") }
        let before = try await principal(named: name, visibleTo: actor)
        guard before.revokedAt == nil else { throw HubStoreError(.notFound, "no active principal named \(name)") }
        var after = before
        after.expiresAt = expiresAt
        let token = SecretToken.generate(before.role == .administrator ? .admin : .user)
        let audit = AuditDraft(
            actor: actor.name, action: "principal.token-replaced", subject: "principal \(name)", company: before.companies.single,
            before: before.auditText, after: after.auditText)
        try await store.replacePrincipalToken(name: name, tokenHash: SecretToken.hash(token), expiresAt: expiresAt, audit: audit)
        return token
    }

    /// Principals whose companies lie within the actor's.
    public func principals(visibleTo actor: Actor = .local()) async throws -> [PrincipalRecord] {
        try await store.principals().filter { actor.companies.contains($0.companies) }
    }

    private func principal(named name: String, visibleTo actor: Actor) async throws -> PrincipalRecord {
        guard let principal = try await principals(visibleTo: actor).first(where: { $0.name == name }) else {
            throw HubStoreError(.notFound, "no principal named \(name)")
        }
        return principal
    }

    /// One line per plant.
    public func listPlants() async throws -> [String] {
        try await store.plants().map { "\($0.plantID)\t\($0.timeZone)\tenrolled \(Timestamp.format($0.enrolledAt))" }
    }

    /// One line per principal.
    public func listPrincipals() async throws -> [String] {
        try await store.principals().map { principal in
            "\(principal.name)\t\(principal.kind.rawValue)\t\(principal.role.rawValue)\t\(principal.companies)"
                + "\tcreated \(Timestamp.format(principal.createdAt))"
                + (principal.expiresAt.map { "\texpires \(Timestamp.format($0))" } ?? "")
                + (principal.revokedAt.map { "\trevoked \(Timestamp.format($0))" } ?? "")
        }
    }

    /// Walks the whole audit trail and reports the first broken link, if any.
    public func verifyAudit() async throws -> (checked: Int64, broken: AuditChainVerifier.Break?, head: String?) {
        var verifier = AuditChainVerifier(hash: sha256Hex)
        var after: Int64 = 0
        var head: String?
        while true {
            let entries = try await store.auditEntries(after: after, limit: 1000, scope: .all)
            guard !entries.isEmpty else { break }
            for entry in entries {
                if let broken = verifier.check(entry) { return (verifier.checked, broken, head) }
                head = entry.hash
            }
            after = entries.last!.sequence
        }
        return (verifier.checked, nil, head)
    }

    private func agentConfiguration(plantID: String, timeZone: String, hubURL: String, token: String) -> String {
        """
        # gantry-agent configuration for plant \(plantID) (\(timeZone))
        # The token is shown only once; the hub keeps only its hash.
        plant.id = \(plantID)
        hub.url = \(hubURL)
        hub.token = \(token)
        """
    }
}
