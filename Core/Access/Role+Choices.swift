extension Role {
    /// The roles a person or system can be given, in the order the docs list them: every role but `plant-agent`,
    /// which only enrolled plants hold. Commands list these when a role they are given is not one of them.
    public static var principalRoles: [String] { allCases.filter { $0 != .plantAgent }.map(\.rawValue) }
}
