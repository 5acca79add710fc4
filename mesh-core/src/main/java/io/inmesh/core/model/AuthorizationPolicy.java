package io.inmesh.core.model;

import java.util.List;

/**
 * The spec of an AuthorizationPolicy: who may do what on the selected workloads.
 *
 * @param selector workloads it applies to
 * @param targetRef deprecated single target
 * @param targetRefs targets
 * @param rules the rules; a request matching any of them gets the action
 * @param action ALLOW by default
 * @param provider the external authorizer of a CUSTOM action
 */
public record AuthorizationPolicy(
        LabelSelector selector,
        PolicyTargetReference targetRef,
        List<PolicyTargetReference> targetRefs,
        List<Rule> rules,
        Action action,
        ExtensionProvider provider) {

    /** What a matching request gets. */
    public enum Action {
        ALLOW,
        DENY,
        AUDIT,
        CUSTOM
    }

    /**
     * One rule: sources, operations and conditions, all of which must match.
     *
     * @param from sources, ORed
     * @param to operations, ORed
     * @param when conditions, ANDed
     */
    public record Rule(List<From> from, List<To> to, List<Condition> when) {
    }

    /**
     * A source clause.
     *
     * @param source the source
     */
    public record From(Source source) {
    }

    /**
     * An operation clause.
     *
     * @param operation the operation
     */
    public record To(Operation operation) {
    }

    /**
     * Who is calling.
     *
     * @param principals peer identities
     * @param notPrincipals excluded peer identities
     * @param requestPrincipals request (JWT) identities
     * @param notRequestPrincipals excluded request identities
     * @param namespaces peer namespaces
     * @param notNamespaces excluded peer namespaces
     * @param ipBlocks peer IPs or CIDRs
     * @param notIpBlocks excluded peer IPs
     * @param remoteIpBlocks original client IPs or CIDRs
     * @param notRemoteIpBlocks excluded original client IPs
     * @param serviceAccounts peer service accounts as {@code namespace/name}
     * @param notServiceAccounts excluded peer service accounts
     * @param trustDomains peer trust domains
     * @param notTrustDomains excluded peer trust domains
     */
    public record Source(
            List<String> principals,
            List<String> notPrincipals,
            List<String> requestPrincipals,
            List<String> notRequestPrincipals,
            List<String> namespaces,
            List<String> notNamespaces,
            List<String> ipBlocks,
            List<String> notIpBlocks,
            List<String> remoteIpBlocks,
            List<String> notRemoteIpBlocks,
            List<String> serviceAccounts,
            List<String> notServiceAccounts,
            List<String> trustDomains,
            List<String> notTrustDomains) {
    }

    /**
     * What is being done.
     *
     * @param hosts request hosts
     * @param notHosts excluded hosts
     * @param ports destination ports
     * @param notPorts excluded ports
     * @param methods HTTP methods
     * @param notMethods excluded methods
     * @param paths request paths
     * @param notPaths excluded paths
     */
    public record Operation(
            List<String> hosts,
            List<String> notHosts,
            List<String> ports,
            List<String> notPorts,
            List<String> methods,
            List<String> notMethods,
            List<String> paths,
            List<String> notPaths) {
    }

    /**
     * A condition on a request attribute.
     *
     * @param key the attribute
     * @param values accepted values
     * @param notValues excluded values
     */
    public record Condition(String key, List<String> values, List<String> notValues) {
    }

    /**
     * The external authorizer of a CUSTOM policy.
     *
     * @param name the provider's name in the mesh config
     */
    public record ExtensionProvider(String name) {
    }
}
