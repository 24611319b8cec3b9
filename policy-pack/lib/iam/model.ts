import { MANAGED_POLICY_ALLOW_LIST, RBAC_ROLE_TAG } from "../../catalog/identity";
import { parseDocument, PolicyDocument } from "./document";
import { NamedDocument, Principal } from "./evaluate";
import { isAwsManagedArn, managedPolicyDocument, preloadManagedPolicies } from "./managed";

/** What the model needs of a plan resource (a CrossGuard PolicyResource fits). */
export interface PlanResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    propertyDependencies?: Record<string, { urn: string }[]>;
}

export const TYPES = {
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    key: "aws:kms/key:Key",
    secret: "aws:secretsmanager/secret:Secret",
    secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    cluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
} as const;

/** A role of the plan with everything that decides its permissions. */
export interface ModelRole {
    resource: PlanResource;
    name: string;
    arn: string;
    /** rbac-role tag (system_admin, operator, ...), undefined for service roles. */
    rbac?: string;
    /** Services that may assume it (trust policy), for service roles. */
    trustedServices: string[];
    principal: Principal;
    /** URN of the boundary policy resource, when the plan defines it. */
    boundaryUrn?: string;
    /** Attachments / documents the model cannot read: "cannot evaluate", never a pass. */
    unreadable: string[];
    /** AWS-managed attachments it cannot expand and that are not on the catalog's allow-list. */
    unexpandable: string[];
}

/** A resource with its own policy (bucket, key, secret, topic). */
export interface ModelResource {
    resource: PlanResource;
    kind: "bucket" | "key" | "secret" | "topic";
    arn: string;
    policy?: NamedDocument;
    /** The policy is set but unreadable (unknown during preview, or malformed). */
    unreadable?: boolean;
    tags: Record<string, string>;
}

export interface IamModel {
    account: string;
    region: string;
    partition: string;
    roles: ModelRole[];
    buckets: ModelResource[];
    keys: ModelResource[];
    others: ModelResource[];
    clusterName?: string;
    /** Bucket ARN → ARN of its default SSE-KMS key. */
    bucketKeys: Map<string, string>;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const tagsOf = (r: PlanResource): Record<string, string> => ({
    ...((r.props.tagsAll as Record<string, string>) ?? {}),
    ...((r.props.tags as Record<string, string>) ?? {}),
});
const dep = (r: PlanResource, prop: string): string[] => (r.propertyDependencies?.[prop] ?? []).map((d) => d.urn);

function named(name: string, doc: unknown): NamedDocument | "unreadable" {
    const parsed = parseDocument(doc);
    return parsed ? { name, document: parsed } : "unreadable";
}

function allowAllOf(services: string[]): PolicyDocument {
    return {
        statements: [
            {
                sid: "AllowListUpperBound",
                effect: "Allow",
                actions: services.map((s) => `${s}:*`),
                resources: ["*"],
                conditions: [],
            },
        ],
    };
}

/** Builds the model of a plan: every role with its identity policies and boundary, and every resource policy. */
export function buildModel(resources: PlanResource[]): IamModel {
    const byType = (t: string) => resources.filter((r) => r.type === t);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const roleArns = byType(TYPES.role)
        .map((r) => str(r.props.arn))
        .filter((a): a is string => a !== undefined);
    const keyArns = byType(TYPES.key)
        .map((r) => str(r.props.arn))
        .filter((a): a is string => a !== undefined);
    const account = /:iam::(\d{12}):/.exec(roleArns[0] ?? "")?.[1] ?? /:(\d{12}):/.exec(keyArns[0] ?? "")?.[1] ?? "";
    const keyArn = /^arn:([^:]+):kms:([^:]+):/.exec(keyArns[0] ?? "");
    const partition = keyArn?.[1] ?? /^arn:([^:]+):/.exec(roleArns[0] ?? "")?.[1] ?? "aws";
    // Region from any regional ARN of the plan (keys first; IAM ARNs have none).
    const regional = resources
        .map((r) => /^arn:[^:]+:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:/.exec(String(r.props.arn ?? ""))?.[1])
        .find((x) => x !== undefined);
    const region = keyArn?.[2] ?? regional ?? "";

    // Every AWS-managed ARN the plan names, expanded with one read of the managed-policy data.
    preloadManagedPolicies(
        [
            ...byType(TYPES.attachment).map((a) => a.props.policyArn),
            ...byType(TYPES.role).flatMap((r) => [
                r.props.permissionsBoundary,
                ...((r.props.managedPolicyArns as unknown[] | undefined) ?? []),
            ]),
        ].filter((a): a is string => typeof a === "string" && isAwsManagedArn(a)),
    );

    // Customer-managed policies by ARN and URN.
    const policies = new Map<string, PlanResource>();
    for (const p of byType(TYPES.policy)) {
        policies.set(p.urn, p);
        const arn = str(p.props.arn);
        if (arn) {
            policies.set(arn, p);
        }
    }
    const resolvePolicy = (arn: string | undefined, urns: string[]): NamedDocument | "unreadable" | "unexpandable" => {
        // The ARN decides when it is known (a dependency may be stale after an edit); else the dependency.
        const customer = arn ? policies.get(arn) : urns.map((u) => policies.get(u)).find((p) => p);
        if (customer) {
            return named(String(customer.props.name ?? customer.name), customer.props.policy);
        }
        if (arn && isAwsManagedArn(arn)) {
            const doc = managedPolicyDocument(arn);
            if (doc) {
                return { name: arn.split("/").pop() ?? arn, document: doc };
            }
            const allowed = MANAGED_POLICY_ALLOW_LIST.find((e) => e.arn === arn);
            return allowed ? { name: arn, document: allowAllOf(allowed.services) } : "unexpandable";
        }
        return "unreadable";
    };

    const roleResources = byType(TYPES.role);
    const roleByKey = new Map<string, PlanResource>();
    for (const r of roleResources) {
        roleByKey.set(r.urn, r);
        const n = str(r.props.name) ?? str(r.props.id);
        if (n) {
            roleByKey.set(n, r);
        }
        const a = str(r.props.arn);
        if (a) {
            roleByKey.set(a, r);
        }
    }
    const roleOf = (r: PlanResource): PlanResource | undefined =>
        dep(r, "role")
            .map((u) => roleByKey.get(u))
            .find((x) => x) ?? roleByKey.get(String(r.props.role ?? ""));

    const extra = new Map<string, { docs: NamedDocument[]; unreadable: string[]; unexpandable: string[] }>();
    const slot = (role: PlanResource) => {
        let s = extra.get(role.urn);
        if (!s) {
            s = { docs: [], unreadable: [], unexpandable: [] };
            extra.set(role.urn, s);
        }
        return s;
    };
    for (const a of byType(TYPES.attachment)) {
        const role = roleOf(a);
        if (!role) {
            continue;
        }
        const arn = str(a.props.policyArn);
        const got = resolvePolicy(arn, dep(a, "policyArn"));
        const s = slot(role);
        if (got === "unexpandable") {
            s.unexpandable.push(arn ?? a.name);
        } else if (got === "unreadable") {
            s.unreadable.push(`attachment ${a.name} (${arn ?? "unknown policy ARN"})`);
        } else {
            s.docs.push(got);
        }
    }
    for (const rp of byType(TYPES.rolePolicy)) {
        const role = roleOf(rp);
        if (!role) {
            continue;
        }
        const got = named(String(rp.props.name ?? rp.name), rp.props.policy);
        const s = slot(role);
        if (got === "unreadable") {
            s.unreadable.push(`inline policy ${rp.name}`);
        } else {
            s.docs.push(got);
        }
    }

    const roles: ModelRole[] = roleResources.map((r) => {
        const name = str(r.props.name) ?? r.name;
        const arn = str(r.props.arn) ?? `arn:${partition}:iam::${account}:role/${name}`;
        const tags = tagsOf(r);
        const s = extra.get(r.urn) ?? { docs: [], unreadable: [], unexpandable: [] };
        const identity = [...s.docs];
        const unreadable = [...s.unreadable];
        const unexpandable = [...s.unexpandable];
        for (const [i, inline] of ((r.props.inlinePolicies as Obj[] | undefined) ?? []).entries()) {
            const got = named(String(inline?.name ?? `inline-${i}`), inline?.policy);
            if (got === "unreadable") {
                if (inline?.policy !== undefined && inline?.policy !== "") {
                    unreadable.push(`inline policy ${String(inline?.name ?? i)}`);
                }
            } else {
                identity.push(got);
            }
        }
        for (const m of (r.props.managedPolicyArns as unknown[] | undefined) ?? []) {
            const got = resolvePolicy(str(m), []);
            if (got === "unexpandable") {
                unexpandable.push(String(m));
            } else if (got === "unreadable") {
                unreadable.push(`managed policy ${String(m)}`);
            } else {
                identity.push(got);
            }
        }
        let boundary: NamedDocument | undefined;
        let boundaryUrn: string | undefined;
        const boundaryArn = str(r.props.permissionsBoundary);
        if (boundaryArn || dep(r, "permissionsBoundary").length > 0) {
            const got = resolvePolicy(boundaryArn, dep(r, "permissionsBoundary"));
            if (got === "unexpandable") {
                unexpandable.push(`${boundaryArn} (boundary)`);
            } else if (got === "unreadable") {
                unreadable.push(`permissions boundary ${boundaryArn ?? "(unknown)"}`);
            } else {
                boundary = { ...got, name: `boundary ${got.name}` };
                boundaryUrn =
                    (boundaryArn ? policies.get(boundaryArn) : undefined)?.urn ?? dep(r, "permissionsBoundary")[0];
            }
        }
        const trust = parseDocument(r.props.assumeRolePolicy);
        const trustedServices = (trust?.statements ?? [])
            .filter((st) => st.effect === "Allow" && st.principal && st.principal !== "*")
            .flatMap((st) => (st.principal as Record<string, string[]>).Service ?? []);
        return {
            resource: r,
            name,
            arn,
            rbac: tags[RBAC_ROLE_TAG],
            trustedServices,
            ...(boundaryUrn ? { boundaryUrn } : {}),
            unreadable,
            unexpandable,
            principal: { kind: "role", arn, account, identity, ...(boundary ? { boundary } : {}), tags },
        };
    });

    // Resource policies.
    const buckets: ModelResource[] = byType(TYPES.bucket).map((b) => {
        const bucketName = str(b.props.bucket) ?? str(b.props.id) ?? b.name;
        const policy = byType(TYPES.bucketPolicy).find(
            (p) => dep(p, "bucket").includes(b.urn) || p.props.bucket === bucketName,
        );
        const got = policy ? named(`bucket policy ${bucketName}`, policy.props.policy) : undefined;
        return {
            resource: b,
            kind: "bucket" as const,
            arn: str(b.props.arn) ?? `arn:${partition}:s3:::${bucketName}`,
            ...(got && got !== "unreadable" ? { policy: got } : {}),
            ...(got === "unreadable" ? { unreadable: true } : {}),
            tags: tagsOf(b),
        };
    });
    const keys: ModelResource[] = byType(TYPES.key).map((k) => {
        // A key without a readable policy (unknown during a preview) cannot be evaluated; kmsKeySettings
        // requires an explicit one.
        const got = named(`key policy ${k.name}`, k.props.policy);
        return {
            resource: k,
            kind: "key" as const,
            arn: str(k.props.arn) ?? `arn:${partition}:kms:${region}:${account}:key/${k.name}`,
            ...(got && got !== "unreadable" ? { policy: got } : {}),
            ...(got === "unreadable" ? { unreadable: true } : {}),
            tags: tagsOf(k),
        };
    });
    const others: ModelResource[] = [];
    for (const t of byType(TYPES.topicPolicy)) {
        const got = named(`topic policy ${t.name}`, t.props.policy);
        others.push({
            resource: t,
            kind: "topic",
            arn: str(t.props.arn) ?? t.name,
            ...(got !== "unreadable" ? { policy: got } : { unreadable: true }),
            tags: {},
        });
    }
    for (const s of [...byType(TYPES.secret), ...byType(TYPES.secretPolicy)]) {
        if (s.props.policy === undefined) {
            continue;
        }
        const got = named(`secret policy ${s.name}`, s.props.policy);
        const target = s.type === TYPES.secretPolicy ? byUrn.get(dep(s, "secretArn")[0] ?? "") : s;
        others.push({
            resource: s,
            kind: "secret",
            arn: str(target?.props.arn) ?? str(s.props.secretArn) ?? s.name,
            ...(got !== "unreadable" ? { policy: got } : { unreadable: true }),
            tags: target ? tagsOf(target) : {},
        });
    }

    const bucketKeys = new Map<string, string>();
    for (const sse of byType(TYPES.sse)) {
        const b = buckets.find(
            (x) => dep(sse, "bucket").includes(x.resource.urn) || sse.props.bucket === x.resource.props.bucket,
        );
        const rule = ((sse.props.rules as Obj[] | undefined) ?? [])[0];
        const key = str((rule?.applyServerSideEncryptionByDefault as Obj | undefined)?.kmsMasterKeyId);
        if (b && key) {
            const k = keys.find((x) => x.arn === key || x.resource.props.id === key);
            bucketKeys.set(b.arn, k?.arn ?? key);
        }
    }
    const cluster = byType(TYPES.cluster)[0];
    return {
        account,
        region,
        partition,
        roles,
        buckets,
        keys,
        others,
        ...(cluster ? { clusterName: str(cluster.props.name) ?? cluster.name } : {}),
        bucketKeys,
    };
}
