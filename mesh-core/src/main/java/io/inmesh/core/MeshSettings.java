package io.inmesh.core;

import io.inmesh.core.internal.yaml.SpecBinder;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.ReaderLimits;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import io.inmesh.core.model.Sidecar;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * How this JVM takes part in the mesh: which workload it is, what happens to calls to hosts the
 * registry does not know, and where its rules are. Read from a small {@code mesh.yaml}:
 *
 * <pre>{@code
 * workload:
 *   name: productpage-v1            # required, a DNS-1123 label
 *   namespace: bookinfo             # default: default
 *   serviceAccount: bookinfo-productpage   # default: default
 *   labels: {app: productpage, version: v1}
 * outboundTrafficPolicy: ALLOW_ANY  # or REGISTRY_ONLY; also {mode: ...} as in Istio's meshConfig
 * config:                           # rule files and directories, relative to mesh.yaml's directory
 *   - rules/
 * lastGoodRules: state/rules.bin    # where the last good rules are kept across restarts; default: nowhere
 * }</pre>
 *
 * <p>or, instead of {@code config}, the rules from a control plane ({@code mesh control-plane}):
 *
 * <pre>{@code
 * controlPlane:
 *   urls: [http://control-plane-a:15080, http://control-plane-b:15080]   # tried in turn
 *   tokenFile: secrets/control-plane-token    # optional: sent as a bearer token; relative to mesh.yaml's directory
 *   instance: productpage-v1-7f9c             # optional: this replica's name in the status; default: the workload name
 * }</pre>
 *
 * <p>or from the environment, as a Kubernetes pod spec sets it:
 * {@code INMESH_WORKLOAD_NAME} (required), {@code INMESH_NAMESPACE} (else {@code POD_NAMESPACE},
 * else {@code default}), {@code INMESH_SERVICE_ACCOUNT}, {@code INMESH_LABELS}
 * ({@code app=productpage,version=v1}), {@code INMESH_OUTBOUND_TRAFFIC_POLICY} and
 * {@code INMESH_CONFIG} (paths separated by {@link File#pathSeparator}, relative to the working
 * directory), {@code INMESH_LAST_GOOD_RULES}, {@code INMESH_CONTROL_PLANE} (URLs separated by commas),
 * {@code INMESH_CONTROL_PLANE_TOKEN_FILE} and {@code INMESH_INSTANCE} (else {@code HOSTNAME}, which
 * Kubernetes sets to the pod's name). A variable set to the empty string counts as unset.
 *
 * <p>Reading is strict, like reading Istio YAML: an unknown field, a value of the wrong type, a
 * duplicate or an invalid name is a {@link MeshSettingsException} that lists every problem with its
 * file, line and column and what was expected. The YAML is composed into nodes only, never
 * constructed into objects, under the limits of {@link ReaderLimits#DEFAULTS}.
 *
 * <p>The outbound traffic policy is Istio's {@code meshConfig.outboundTrafficPolicy.mode}, the type
 * {@link Mesh.Builder#outboundTrafficPolicy} takes; the default is {@code ALLOW_ANY}, as in Istio.
 *
 * @param workload the workload this JVM is
 * @param outboundTrafficPolicy whether hosts the registry does not know are reachable
 * @param configPaths rule files and directories, for {@link io.inmesh.core.source.FileConfigSource}; may be empty
 * @param lastGoodRules the file for {@link Mesh.Builder#lastGoodRules}; {@code null} keeps no rules on disk
 * @param controlPlane where to stream the rules from instead of {@code configPaths}; {@code null} for none
 */
public record MeshSettings(
        LocalWorkload workload, Sidecar.OutboundTrafficPolicy.Mode outboundTrafficPolicy, List<Path> configPaths,
        Path lastGoodRules, ControlPlane controlPlane) {

    /**
     * The control plane to stream the rules from ({@link io.inmesh.core.source.ControlPlaneConfigSource}).
     *
     * @param urls its base URLs, tried in turn; at least one, each absolute {@code http} or {@code https}
     * @param tokenFile a file holding the bearer token to send; {@code null} for none
     * @param instance this replica's name in the control plane's status; {@code null} for the workload's name
     */
    public record ControlPlane(List<java.net.URI> urls, Path tokenFile, String instance) {
        public ControlPlane {
            urls = List.copyOf(urls);
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("urls: at least one control-plane URL");
            }
        }
    }

    private static final String DEFAULT = "default";
    private static final String ENVIRONMENT = "environment";
    private static final String ENV_NAME = "INMESH_WORKLOAD_NAME";
    private static final String ENV_NAMESPACE = "INMESH_NAMESPACE";
    private static final String ENV_POD_NAMESPACE = "POD_NAMESPACE";
    private static final String ENV_SERVICE_ACCOUNT = "INMESH_SERVICE_ACCOUNT";
    private static final String ENV_LABELS = "INMESH_LABELS";
    private static final String ENV_POLICY = "INMESH_OUTBOUND_TRAFFIC_POLICY";
    private static final String ENV_CONFIG = "INMESH_CONFIG";
    private static final String ENV_LAST_GOOD_RULES = "INMESH_LAST_GOOD_RULES";
    private static final String ENV_CONTROL_PLANE = "INMESH_CONTROL_PLANE";
    private static final String ENV_CONTROL_PLANE_TOKEN_FILE = "INMESH_CONTROL_PLANE_TOKEN_FILE";
    private static final String ENV_INSTANCE = "INMESH_INSTANCE";
    private static final String ENV_HOSTNAME = "HOSTNAME";

    private static final List<String> TOP_LEVEL_FIELDS =
            List.of("workload", "outboundTrafficPolicy", "config", "lastGoodRules", "controlPlane");
    private static final List<String> CONTROL_PLANE_FIELDS = List.of("urls", "tokenFile", "instance");
    private static final String URL_RULE = "(expected an absolute http:// or https:// URL, such as http://control-plane:15080,"
            + " without query or fragment)";
    private static final String ONE_SOURCE_RULE = "(expected either config or controlPlane: a mesh has one config source)";
    private static final List<String> WORKLOAD_FIELDS = List.of("name", "namespace", "serviceAccount", "labels");
    private static final List<String> POLICY_FIELDS = List.of("mode");

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private static final String DNS1123_LABEL_RULE = "(expected a DNS-1123 label: lower-case letters, digits and '-',"
            + " starting and ending with a letter or digit, at most 63 characters)";
    private static final String DNS1123_SUBDOMAIN_RULE = "(expected a DNS-1123 subdomain: lower-case letters, digits,"
            + " '-' and '.', starting and ending with a letter or digit, at most 253 characters)";
    private static final String LABEL_KEY_RULE = "(expected an optional DNS subdomain prefix and '/', then at most 63"
            + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
    private static final String LABEL_VALUE_RULE = "(expected at most 63 letters, digits, '-', '_' or '.',"
            + " starting and ending with a letter or digit, or empty)";
    private static final String POLICY_RULE = "(expected one of: ALLOW_ANY, REGISTRY_ONLY)";

    /** How SnakeYAML's default tag inspector words its refusal of a global tag such as {@code !!java.io.File}. */
    private static final String GLOBAL_TAG_REFUSED = "Global tag is not allowed: ";
    /** The tags YAML resolves plain scalars to; any other tag was written explicitly. */
    private static final Set<Tag> STANDARD_SCALAR_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.BINARY, Tag.MERGE);

    /** Checks that every part is present; the lists are copied. */
    public MeshSettings {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(outboundTrafficPolicy, "outboundTrafficPolicy");
        configPaths = List.copyOf(configPaths);
    }

    /** Settings that keep no rules on disk. */
    public MeshSettings(LocalWorkload workload, Sidecar.OutboundTrafficPolicy.Mode outboundTrafficPolicy, List<Path> configPaths) {
        this(workload, outboundTrafficPolicy, configPaths, null, null);
    }

    /** Settings with rule files, without a control plane. */
    public MeshSettings(LocalWorkload workload, Sidecar.OutboundTrafficPolicy.Mode outboundTrafficPolicy, List<Path> configPaths,
            Path lastGoodRules) {
        this(workload, outboundTrafficPolicy, configPaths, lastGoodRules, null);
    }

    /**
     * Reads a {@code mesh.yaml}; relative {@code config} paths are resolved against its directory.
     *
     * @throws MeshSettingsException listing every problem, including a file that cannot be read
     */
    public static MeshSettings fromFile(Path file) {
        String source = file.toString();
        String text;
        try {
            long size = Files.size(file);
            if (size > ReaderLimits.DEFAULTS.maxSourceBytes()) {
                throw fail(SourceLocation.of(source), null, "file is " + size + " bytes (expected at most "
                        + ReaderLimits.DEFAULTS.maxSourceBytes() + ")");
            }
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw fail(SourceLocation.of(source), null, "cannot read: no such file");
        } catch (CharacterCodingException e) {
            throw fail(SourceLocation.of(source), null, "not valid UTF-8 text");
        } catch (IOException e) {
            throw fail(SourceLocation.of(source), null, "cannot read: " + e);
        }
        Path parent = file.getParent();
        return fromYaml(source, text, parent != null ? parent : file.getFileSystem().getPath(""));
    }

    /**
     * Reads {@code mesh.yaml} text.
     *
     * @param sourceName names the text in messages, such as {@code mesh.yaml}
     * @param yaml the text
     * @param baseDirectory what relative {@code config} paths are relative to
     * @throws MeshSettingsException listing every problem
     */
    public static MeshSettings fromYaml(String sourceName, String yaml, Path baseDirectory) {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        return new YamlSettingsReader(sourceName, baseDirectory).read(yaml);
    }

    /**
     * Reads the settings from {@link System#getenv()}.
     *
     * @throws MeshSettingsException listing every problem, such as a missing {@code INMESH_WORKLOAD_NAME}
     */
    public static MeshSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the settings from the given environment variables.
     *
     * @throws MeshSettingsException listing every problem, such as a missing {@code INMESH_WORKLOAD_NAME}
     */
    public static MeshSettings fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        List<Diagnostic> problems = new ArrayList<>();
        SourceLocation at = SourceLocation.of(ENVIRONMENT);

        String name = variable(environment, ENV_NAME);
        if (name == null) {
            problems.add(error(at, ENV_NAME, "missing (expected the workload's name, such as productpage-v1)"));
        } else {
            check(problems, at, ENV_NAME, checkName(name));
        }
        String namespaceVariable = variable(environment, ENV_NAMESPACE) != null ? ENV_NAMESPACE : ENV_POD_NAMESPACE;
        String namespace = variable(environment, namespaceVariable);
        if (namespace == null) {
            namespace = DEFAULT;
        } else {
            check(problems, at, namespaceVariable, checkNamespace(namespace));
        }
        String serviceAccount = variable(environment, ENV_SERVICE_ACCOUNT);
        if (serviceAccount == null) {
            serviceAccount = DEFAULT;
        } else {
            check(problems, at, ENV_SERVICE_ACCOUNT, checkServiceAccount(serviceAccount));
        }
        Map<String, String> labels = parseLabels(variable(environment, ENV_LABELS), at, problems);

        Sidecar.OutboundTrafficPolicy.Mode policy = Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY;
        String policyText = variable(environment, ENV_POLICY);
        if (policyText != null) {
            policy = parsePolicy(policyText);
            if (policy == null) {
                problems.add(error(at, ENV_POLICY, "unknown value \"" + policyText + "\" " + POLICY_RULE));
            }
        }
        List<Path> paths = new ArrayList<>();
        String config = variable(environment, ENV_CONFIG);
        if (config != null) {
            for (String entry : config.split(Pattern.quote(File.pathSeparator))) {
                if (entry.isEmpty()) {
                    continue; // "a::b" or a trailing separator, as PATH allows
                }
                try {
                    paths.add(Path.of(entry));
                } catch (InvalidPathException e) {
                    problems.add(error(at, ENV_CONFIG, "invalid path \"" + entry + "\": " + e.getReason()));
                }
            }
        }
        Path lastGoodRules = null;
        String lastGoodRulesText = variable(environment, ENV_LAST_GOOD_RULES);
        if (lastGoodRulesText != null) {
            try {
                lastGoodRules = Path.of(lastGoodRulesText);
            } catch (InvalidPathException e) {
                problems.add(error(at, ENV_LAST_GOOD_RULES, "invalid path \"" + lastGoodRulesText + "\": " + e.getReason()));
            }
        }
        ControlPlane controlPlane = null;
        String controlPlaneText = variable(environment, ENV_CONTROL_PLANE);
        if (controlPlaneText != null) {
            List<java.net.URI> urls = new ArrayList<>();
            for (String entry : controlPlaneText.split(",")) {
                String url = entry.strip();
                if (url.isEmpty()) {
                    continue;
                }
                java.net.URI uri = parseUrl(url);
                if (uri == null) {
                    problems.add(error(at, ENV_CONTROL_PLANE, "invalid URL \"" + url + "\" " + URL_RULE));
                } else {
                    urls.add(uri);
                }
            }
            Path tokenFile = null;
            String tokenFileText = variable(environment, ENV_CONTROL_PLANE_TOKEN_FILE);
            if (tokenFileText != null) {
                try {
                    tokenFile = Path.of(tokenFileText);
                } catch (InvalidPathException e) {
                    problems.add(error(at, ENV_CONTROL_PLANE_TOKEN_FILE, "invalid path \"" + tokenFileText + "\": " + e.getReason()));
                }
            }
            String instance = variable(environment, ENV_INSTANCE);
            if (instance == null) {
                instance = variable(environment, ENV_HOSTNAME);
            }
            if (urls.isEmpty()) {
                problems.add(error(at, ENV_CONTROL_PLANE, "no URL " + URL_RULE));
            } else {
                controlPlane = new ControlPlane(urls, tokenFile, instance);
            }
            if (!paths.isEmpty()) {
                problems.add(error(at, ENV_CONTROL_PLANE, "set together with " + ENV_CONFIG + " (expected either " + ENV_CONFIG
                        + " or " + ENV_CONTROL_PLANE + ": a mesh has one config source)"));
            }
        }
        if (!problems.isEmpty()) {
            throw new MeshSettingsException(problems);
        }
        return new MeshSettings(new LocalWorkload(name, namespace, labels, serviceAccount), policy, paths, lastGoodRules, controlPlane);
    }

    /** An absolute http(s) URL with a host and no query or fragment, or {@code null}. */
    private static java.net.URI parseUrl(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean ok = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return ok ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String variable(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** {@code app=productpage, version=v1}: pairs separated by commas, blanks around them ignored. */
    private static Map<String, String> parseLabels(String text, SourceLocation at, List<Diagnostic> problems) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        for (String entry : text.split(",", -1)) {
            String pair = entry.strip();
            int equals = pair.indexOf('=');
            if (equals < 0) {
                problems.add(error(at, ENV_LABELS, "entry \"" + pair + "\" is not key=value"
                        + " (expected key=value pairs separated by commas, such as app=productpage,version=v1)"));
                continue;
            }
            String key = pair.substring(0, equals).strip();
            String value = pair.substring(equals + 1).strip();
            String problem = checkLabel(key, value);
            if (problem != null) {
                problems.add(error(at, ENV_LABELS, problem));
            } else if (labels.putIfAbsent(key, value) != null) {
                problems.add(error(at, ENV_LABELS, "duplicate label key \"" + key + "\" (expected each key once)"));
            }
        }
        return labels;
    }

    // Checks shared by the file and the environment: null when the value is good, else the message.

    private static String checkName(String name) {
        return isDns1123Label(name) ? null : "invalid name \"" + name + "\" " + DNS1123_LABEL_RULE;
    }

    private static String checkNamespace(String namespace) {
        return isDns1123Label(namespace) ? null : "invalid namespace \"" + namespace + "\" " + DNS1123_LABEL_RULE;
    }

    private static String checkServiceAccount(String account) {
        return account.length() <= 253 && DNS1123_SUBDOMAIN.matcher(account).matches()
                ? null
                : "invalid service account \"" + account + "\" " + DNS1123_SUBDOMAIN_RULE;
    }

    private static String checkLabel(String key, String value) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        boolean keyOk = (prefix == null || prefix.length() <= 253 && DNS1123_SUBDOMAIN.matcher(prefix).matches())
                && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
        if (!keyOk) {
            return "invalid label key \"" + key + "\" " + LABEL_KEY_RULE;
        }
        if (value.length() > 63 || !value.isEmpty() && !QUALIFIED_NAME.matcher(value).matches()) {
            return "invalid label value \"" + value + "\" for key \"" + key + "\" " + LABEL_VALUE_RULE;
        }
        return null;
    }

    private static boolean isDns1123Label(String value) {
        return value.length() <= 63 && DNS1123_LABEL.matcher(value).matches();
    }

    private static Sidecar.OutboundTrafficPolicy.Mode parsePolicy(String text) {
        for (Sidecar.OutboundTrafficPolicy.Mode mode : Sidecar.OutboundTrafficPolicy.Mode.values()) {
            if (mode.name().equals(text)) {
                return mode;
            }
        }
        return null;
    }

    private static void check(List<Diagnostic> problems, SourceLocation at, String field, String problem) {
        if (problem != null) {
            problems.add(error(at, field, problem));
        }
    }

    private static Diagnostic error(SourceLocation at, String field, String message) {
        return new Diagnostic(Severity.ERROR, at, null, field, message);
    }

    private static MeshSettingsException fail(SourceLocation at, String field, String message) {
        return new MeshSettingsException(List.of(error(at, field, message)));
    }

    /** Binds one {@code mesh.yaml} node tree, collecting every problem. Not thread-safe: one per read. */
    private static final class YamlSettingsReader {

        private final String source;
        private final Path baseDirectory;
        private final List<Diagnostic> problems = new ArrayList<>();

        YamlSettingsReader(String source, Path baseDirectory) {
            this.source = source;
            this.baseDirectory = baseDirectory;
        }

        MeshSettings read(String text) {
            Node root = compose(text);
            if (root != null) {
                checkTags(root, new IdentityHashMap<>());
            }
            if (!problems.isEmpty()) {
                throw new MeshSettingsException(problems);
            }
            if (root == null || isNull(root)) {
                throw fail(SourceLocation.of(source), null,
                        "no settings (expected an object with " + String.join(", ", TOP_LEVEL_FIELDS) + ")");
            }
            Map<String, NodeTuple> fields = fields(root, "", TOP_LEVEL_FIELDS);
            LocalWorkload workload = null;
            NodeTuple workloadField = fields.get("workload");
            if (workloadField == null) {
                if (root instanceof MappingNode) {
                    problems.add(error(at(root), "workload", "missing (expected an object with at least a name)"));
                }
            } else {
                workload = workload(workloadField);
            }
            Sidecar.OutboundTrafficPolicy.Mode policy = Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY;
            NodeTuple policyField = fields.get("outboundTrafficPolicy");
            if (policyField != null) {
                policy = policy(policyField.getValueNode());
            }
            List<Path> paths = List.of();
            NodeTuple configField = fields.get("config");
            if (configField != null) {
                paths = paths(configField.getValueNode());
            }
            Path lastGoodRules = null;
            NodeTuple lastGoodRulesField = fields.get("lastGoodRules");
            if (lastGoodRulesField != null && !isNull(lastGoodRulesField.getValueNode())) {
                lastGoodRules = path(lastGoodRulesField.getValueNode(), "lastGoodRules", "a file");
            }
            ControlPlane controlPlane = null;
            NodeTuple controlPlaneField = fields.get("controlPlane");
            if (controlPlaneField != null && !isNull(controlPlaneField.getValueNode())) {
                controlPlane = controlPlane(controlPlaneField.getValueNode());
                if (configField != null && !isNull(configField.getValueNode())) {
                    problems.add(error(at(controlPlaneField.getKeyNode()), "controlPlane", "set together with config " + ONE_SOURCE_RULE));
                }
            }
            if (!problems.isEmpty()) {
                problems.sort(null);
                throw new MeshSettingsException(problems);
            }
            return new MeshSettings(workload, policy, paths, lastGoodRules, controlPlane);
        }

        private ControlPlane controlPlane(Node node) {
            int before = problems.size();
            Map<String, NodeTuple> fields = fields(node, "controlPlane.", CONTROL_PLANE_FIELDS);
            if (problems.size() > before && fields.isEmpty()) {
                return null;
            }
            List<java.net.URI> urls = new ArrayList<>();
            NodeTuple urlsField = fields.get("urls");
            if (urlsField == null || isNull(urlsField.getValueNode())) {
                problems.add(error(at(node), "controlPlane.urls", "missing (expected a list of URLs, such as [http://control-plane:15080])"));
            } else if (!(urlsField.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
                problems.add(error(at(urlsField.getValueNode()), "controlPlane.urls", "expected a non-empty list of URLs, got "
                        + describe(urlsField.getValueNode())));
            } else {
                List<Node> items = sequence.getValue();
                for (int i = 0; i < items.size(); i++) {
                    String path = "controlPlane.urls[" + i + "]";
                    String text = string(new NodeTuple(urlsField.getKeyNode(), items.get(i)), path);
                    if (text == null) {
                        continue;
                    }
                    java.net.URI url = parseUrl(text);
                    if (url == null) {
                        problems.add(error(at(items.get(i)), path, "invalid URL \"" + text + "\" " + URL_RULE));
                    } else {
                        urls.add(url);
                    }
                }
            }
            Path tokenFile = null;
            NodeTuple tokenField = fields.get("tokenFile");
            if (tokenField != null && !isNull(tokenField.getValueNode())) {
                tokenFile = path(tokenField.getValueNode(), "controlPlane.tokenFile", "a file holding the bearer token");
            }
            String instance = string(fields.get("instance"), "controlPlane.instance");
            if (instance != null && (instance.isEmpty() || instance.length() > 253 || instance.chars().anyMatch(c -> c <= ' ' || c == 127))) {
                problems.add(error(at(fields.get("instance").getValueNode()), "controlPlane.instance",
                        "invalid instance \"" + instance + "\" (expected 1 to 253 printable characters without blanks)"));
                instance = null;
            }
            return problems.size() > before ? null : new ControlPlane(urls, tokenFile, instance);
        }

        private Node compose(String text) {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(ReaderLimits.DEFAULTS.maxAliasesForCollections());
            options.setNestingDepthLimit(ReaderLimits.DEFAULTS.maxNestingDepth());
            options.setCodePointLimit(ReaderLimits.DEFAULTS.maxCodePoints());
            options.setAllowRecursiveKeys(false);
            options.setProcessComments(false);
            try {
                // Composed, never constructed: no tag can instantiate a class.
                return new Yaml(options).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                SourceLocation at = mark == null ? SourceLocation.of(source)
                        : new SourceLocation(source, mark.getLine() + 1, mark.getColumn() + 1);
                String context = e.getContext() != null ? e.getContext() + ": " : "";
                String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
                if (problem.startsWith(GLOBAL_TAG_REFUSED)) {
                    // SnakeYAML's own tag inspector refused it first: say so as checkTags does.
                    problems.add(error(at, null, unsupportedTag(new Tag(problem.substring(GLOBAL_TAG_REFUSED.length())))));
                } else {
                    problems.add(error(at, null, "YAML syntax error: " + context + problem));
                }
            } catch (YAMLException | StackOverflowError e) {
                String message = e.getMessage() == null ? "nesting too deep" : e.getMessage().lines().findFirst().orElse("");
                problems.add(error(SourceLocation.of(source), null, "YAML refused: " + message));
            }
            return null;
        }

        /**
         * Refuses explicit tags beyond YAML's own ({@code !!java.io.File}, {@code !secret}): the
         * nodes are never constructed, so a tag could not run code, but it would be ignored, and
         * nothing written in the file is silently ignored.
         */
        private void checkTags(Node node, Map<Node, Boolean> visited) {
            if (visited.put(node, Boolean.TRUE) != null) {
                return; // an alias to a node already checked, perhaps to one of its own ancestors
            }
            Tag tag = node.getTag();
            boolean standard = node instanceof MappingNode ? Tag.MAP.equals(tag)
                    : node instanceof SequenceNode ? Tag.SEQ.equals(tag)
                    : STANDARD_SCALAR_TAGS.contains(tag);
            if (!standard) {
                problems.add(error(at(node), null, unsupportedTag(tag)));
                return;
            }
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    checkTags(tuple.getKeyNode(), visited);
                    checkTags(tuple.getValueNode(), visited);
                }
            } else if (node instanceof SequenceNode sequence) {
                for (Node item : sequence.getValue()) {
                    checkTags(item, visited);
                }
            }
        }

        private static String unsupportedTag(Tag tag) {
            String name = tag.getValue().startsWith(Tag.PREFIX) ? "!!" + tag.getValue().substring(Tag.PREFIX.length()) : tag.getValue();
            return "unsupported tag " + name + " (expected plain YAML without tags)";
        }

        private LocalWorkload workload(NodeTuple field) {
            Node node = field.getValueNode();
            if (!(node instanceof MappingNode)) {
                problems.add(error(at(node), "workload", "expected an object (" + String.join(", ", WORKLOAD_FIELDS)
                        + "), got " + describe(node)));
                return null;
            }
            int before = problems.size();
            Map<String, NodeTuple> fields = fields(node, "workload.", WORKLOAD_FIELDS);
            String name = string(fields.get("name"), "workload.name");
            if (name == null && !fields.containsKey("name")) {
                problems.add(error(at(node), "workload.name", "missing (expected the workload's name, such as productpage-v1)"));
            } else if (name != null) {
                check(problems, at(fields.get("name").getValueNode()), "workload.name", checkName(name));
            }
            String namespace = string(fields.get("namespace"), "workload.namespace");
            if (namespace != null) {
                check(problems, at(fields.get("namespace").getValueNode()), "workload.namespace", checkNamespace(namespace));
            }
            String serviceAccount = string(fields.get("serviceAccount"), "workload.serviceAccount");
            if (serviceAccount != null) {
                check(problems, at(fields.get("serviceAccount").getValueNode()), "workload.serviceAccount",
                        checkServiceAccount(serviceAccount));
            }
            Map<String, String> labels = labels(fields.get("labels"));
            if (problems.size() > before || name == null) {
                return null;
            }
            return new LocalWorkload(name, namespace == null ? DEFAULT : namespace, labels,
                    serviceAccount == null ? DEFAULT : serviceAccount);
        }

        private Map<String, String> labels(NodeTuple field) {
            Map<String, String> labels = new LinkedHashMap<>();
            if (field == null || isNull(field.getValueNode())) {
                return labels;
            }
            Node node = field.getValueNode();
            if (!(node instanceof MappingNode mapping)) {
                problems.add(error(at(node), "workload.labels", "expected a map of label keys to values, got " + describe(node)));
                return labels;
            }
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = key(tuple.getKeyNode(), "workload.labels");
                if (key == null) {
                    continue;
                }
                String path = "workload.labels[" + key + "]";
                Node first = seen.putIfAbsent(key, tuple.getKeyNode());
                if (first != null) {
                    problems.add(error(at(tuple.getKeyNode()), path, "duplicate key (first written at line " + at(first).line() + ")"));
                    continue;
                }
                String value = string(tuple, path);
                if (value == null) {
                    continue;
                }
                String problem = checkLabel(key, value);
                if (problem != null) {
                    problems.add(error(at(problem.startsWith("invalid label key") ? tuple.getKeyNode() : tuple.getValueNode()), path, problem));
                } else {
                    labels.put(key, value);
                }
            }
            return labels;
        }

        /** {@code ALLOW_ANY}, or Istio meshConfig's own form {@code {mode: ALLOW_ANY}}. */
        private Sidecar.OutboundTrafficPolicy.Mode policy(Node node) {
            String path = "outboundTrafficPolicy";
            Node value = node;
            if (node instanceof MappingNode) {
                NodeTuple mode = fields(node, path + ".", POLICY_FIELDS).get("mode");
                if (mode == null) {
                    problems.add(error(at(node), path + ".mode", "missing " + POLICY_RULE));
                    return null;
                }
                path += ".mode";
                value = mode.getValueNode();
            }
            if (!(value instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
                problems.add(error(at(value), path, "expected one of ALLOW_ANY, REGISTRY_ONLY or {mode: ...}, got " + describe(value)));
                return null;
            }
            Sidecar.OutboundTrafficPolicy.Mode mode = parsePolicy(scalar.getValue());
            if (mode == null) {
                problems.add(error(at(value), path, "unknown value \"" + scalar.getValue() + "\" " + POLICY_RULE));
            }
            return mode;
        }

        private List<Path> paths(Node node) {
            if (isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                problems.add(error(at(node), "config", "expected a list of files and directories, got " + describe(node)
                        + " (write it as a list item: - path)"));
                return List.of();
            }
            List<Path> paths = new ArrayList<>();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                Path path = path(items.get(i), "config[" + i + "]", "a file or directory");
                if (path != null) {
                    paths.add(path);
                }
            }
            return paths;
        }

        /** A path relative to the settings file's directory, or {@code null} when (reported) not one. */
        private Path path(Node item, String path, String expected) {
            if (!(item instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
                problems.add(error(at(item), path, "expected " + expected + ", got " + describe(item)));
                return null;
            }
            if (scalar.getValue().isEmpty()) {
                problems.add(error(at(item), path, "empty path (expected " + expected + ", relative to this file's directory)"));
                return null;
            }
            try {
                return baseDirectory.resolve(scalar.getValue()).normalize();
            } catch (InvalidPathException e) {
                problems.add(error(at(item), path, "invalid path \"" + scalar.getValue() + "\": " + e.getReason()));
                return null;
            }
        }

        /**
         * The fields of an object by name, reporting anything not in {@code known}, duplicates and
         * keys that are not names. A node that is not an object is reported and has no fields.
         */
        private Map<String, NodeTuple> fields(Node node, String prefix, List<String> known) {
            Map<String, NodeTuple> fields = new LinkedHashMap<>();
            if (!(node instanceof MappingNode mapping)) {
                String where = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
                problems.add(error(at(node), where.isEmpty() ? null : where, "expected an object ("
                        + String.join(", ", known) + "), got " + describe(node)));
                return fields;
            }
            for (NodeTuple tuple : mapping.getValue()) {
                String name = key(tuple.getKeyNode(), prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1));
                if (name == null) {
                    continue;
                }
                if (!known.contains(name)) {
                    problems.add(error(at(tuple.getKeyNode()), prefix + name,
                            "unknown field (expected one of: " + String.join(", ", known) + ")"));
                    continue;
                }
                NodeTuple first = fields.putIfAbsent(name, tuple);
                if (first != null) {
                    problems.add(error(at(tuple.getKeyNode()), prefix + name,
                            "duplicate field (first written at line " + at(first.getKeyNode()).line() + ")"));
                }
            }
            return fields;
        }

        private String key(Node keyNode, String path) {
            if (keyNode instanceof ScalarNode scalar && !isNull(keyNode)) {
                return scalar.getValue();
            }
            problems.add(error(at(keyNode), path, "expected a field name, got " + describe(keyNode)));
            return null;
        }

        /** The string value of a field, or {@code null} when the field is absent or (reported) not a string. */
        private String string(NodeTuple field, String path) {
            if (field == null) {
                return null;
            }
            Node node = field.getValueNode();
            if (node instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag())) {
                return scalar.getValue();
            }
            String hint = node instanceof ScalarNode scalar && !isNull(node) ? " (quote it: \"" + scalar.getValue() + "\")" : "";
            problems.add(error(at(node), path, "expected a string, got " + describe(node) + hint));
            return null;
        }

        private SourceLocation at(Node node) {
            return new SourceLocation(source, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
        }

        private static boolean isNull(Node node) {
            return SpecBinder.isNull(node);
        }

        private static String describe(Node node) {
            return SpecBinder.describe(node);
        }
    }
}
