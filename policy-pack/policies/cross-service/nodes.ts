// The EKS nodes as other services act on them: isolation per network interface, patching, Nitro Enclaves.

import { PolicyResource } from "@pulumi/policy";
import { INCIDENT_RESPONSE_TAG, NODE_AMI_ROLL } from "../../catalog/operations";
import { asArray, asObject, asString, asStrings, stackPolicy } from "../lib";
import { nameOf, ofType, Props, T } from "./shared";

interface AutomationStep {
    name?: string;
    action?: string;
    inputs?: Props;
}

function parseContent(content: unknown): { mainSteps?: AutomationStep[] } | undefined {
    if (typeof content !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(content) as { mainSteps?: AutomationStep[] };
    } catch {
        return undefined;
    }
}

export const isolationPerInterface = stackPolicy({
    name: "cross-isolation-per-interface",
    description:
        "The isolate_systems runbook swaps security groups per network interface (ModifyNetworkInterfaceAttribute in an aws:loop over the instance's attached ENIs), never with ModifyInstanceAttribute Groups, which fails on instances with several ENIs (every EKS node under the VPC CNI).",
    controls: ["IR-SB-ISOLATE", "OPS-E-ISOLATE"],
    severity: "high",
    validate: (args, report) => {
        const quarantine = ofType(args.resources, T.sg)
            .filter((s) => asObject(s.props.tags)[INCIDENT_RESPONSE_TAG] === "isolate_systems")
            .map((s) => asString(s.props.id));
        const docs = ofType(args.resources, T.document).filter(
            (d) => asObject(d.props.tags)[INCIDENT_RESPONSE_TAG] === "isolate_systems",
        );
        for (const d of docs) {
            const content = parseContent(d.props.content);
            if (!content) {
                report(`[IR-SB-ISOLATE] isolate_systems runbook ${nameOf(d)} has no readable JSON content`, d.urn);
                continue;
            }
            const top = asArray(content.mainSteps);
            const all = top.flatMap((s) => [s, ...asArray(s.inputs?.Steps as AutomationStep[] | undefined)]);
            for (const s of all.filter((x) => x.inputs?.Api === "ModifyInstanceAttribute" && x.inputs?.Groups)) {
                report(
                    `[IR-SB-ISOLATE] runbook ${nameOf(d)} step ${String(s.name)} sets Groups with ModifyInstanceAttribute, which fails on an instance with more than one network interface; modify each ENI instead`,
                    d.urn,
                );
            }
            const describe = top.find((s) => {
                const filters = asArray(s.inputs?.Filters as Props[] | undefined);
                return (
                    s.inputs?.Api === "DescribeNetworkInterfaces" &&
                    filters.some((f) => f.Name === "attachment.instance-id")
                );
            });
            const perEni = top.some(
                (loop) =>
                    loop.action === "aws:loop" &&
                    describe !== undefined &&
                    String(loop.inputs?.Iterators ?? "").includes(`${String(describe.name)}.`) &&
                    asArray(loop.inputs?.Steps as AutomationStep[] | undefined).some(
                        (s) =>
                            s.inputs?.Api === "ModifyNetworkInterfaceAttribute" &&
                            String(s.inputs?.NetworkInterfaceId ?? "").includes(
                                `${String(loop.name)}.CurrentIteratorValue`,
                            ) &&
                            asStrings(s.inputs?.Groups).length > 0 &&
                            asStrings(s.inputs?.Groups).every((g) => quarantine.includes(g)),
                    ),
            );
            if (!perEni) {
                report(
                    `[IR-SB-ISOLATE] runbook ${nameOf(d)} does not move every network interface attached to the instance (DescribeNetworkInterfaces by attachment.instance-id, then ModifyNetworkInterfaceAttribute per ENI in an aws:loop) into the quarantine group only`,
                    d.urn,
                );
            }
        }
    },
});

export const noNodePatchInstall = stackPolicy({
    name: "cross-no-node-patch-install",
    description:
        "No maintenance window installs patches (AWS-RunPatchBaseline Operation=Install, which reboots without draining) on instances of an EKS managed node group: node AMIs roll through the node group; Patch Manager only scans them.",
    controls: ["OPS-M-PATCH", "MNT-PATCH-CRITICAL", "MNT-PATCH-NONCRITICAL"],
    severity: "high",
    validate: (args, report) => {
        const groups = ofType(args.resources, T.nodeGroup);
        if (groups.length > 0) {
            // critical_patches "immediate, approval required" for nodes: an approval step, then every group rolled.
            const rolls = ofType(args.resources, T.document)
                .filter((d) => asObject(d.props.tags).patching === NODE_AMI_ROLL)
                .map((d) => asArray(parseContent(d.props.content)?.mainSteps));
            const rolled = (steps: AutomationStep[], group: string) => {
                const approve = steps.findIndex((s) => s.action === "aws:approve");
                const roll = steps.findIndex(
                    (s) => s.inputs?.Api === "UpdateNodegroupVersion" && s.inputs?.nodegroupName === group,
                );
                return approve >= 0 && roll > approve;
            };
            // Non-critical patches reach the nodes in the maintenance window: a window task runs the roll.
            const rollDocs = ofType(args.resources, T.document)
                .filter((d) => asObject(d.props.tags).patching === NODE_AMI_ROLL)
                .map((d) => asString(d.props.name));
            const inWindow = ofType(args.resources, T.windowTask).some(
                (t) => t.props.taskType === "AUTOMATION" && rollDocs.includes(asString(t.props.taskArn)),
            );
            if (!inWindow) {
                report(
                    `[MNT-PATCH-NONCRITICAL] no maintenance window task runs the node roll (Automation tagged patching=${NODE_AMI_ROLL}): with Patch Manager scanning only, non-critical patches never reach the EKS nodes`,
                );
            }
            for (const g of groups) {
                const group = asString(g.props.nodeGroupName) ?? g.name;
                if (!rolls.some((steps) => rolled(steps, group))) {
                    report(
                        `[MNT-PATCH-CRITICAL] no approved roll (Automation document tagged patching=${NODE_AMI_ROLL}: aws:approve, then UpdateNodegroupVersion) brings critical patches to node group ${group}`,
                        g.urn,
                    );
                }
            }
        }
        const templates = new Set(
            ofType(args.resources, T.nodeGroup).map((g) => asString(asObject(g.props.launchTemplate).id)),
        );
        const nodeTags = ofType(args.resources, T.launchTemplate)
            .filter((lt) => templates.has(asString(lt.props.id)))
            .flatMap((lt) => asArray(lt.props.tagSpecifications as Props[] | undefined))
            .filter((ts) => ts.resourceType === "instance")
            .map((ts) => asObject(ts.tags) as Record<string, unknown>);
        const selectsNodes = (target: PolicyResource) =>
            asArray(target.props.targets as Props[] | undefined).some((t) => {
                const key = asString(t.key);
                if (!key?.startsWith("tag:")) {
                    return false;
                }
                const tag = key.slice(4);
                return nodeTags.some((tags) => asStrings(t.values).includes(String(tags[tag])));
            });
        const nodeTargets = ofType(args.resources, T.windowTarget)
            .filter(selectsNodes)
            .map((t) => asString(t.props.id));
        for (const task of ofType(args.resources, T.windowTask).filter(
            (t) => t.props.taskArn === "AWS-RunPatchBaseline",
        )) {
            const ids = asArray(task.props.targets as Props[] | undefined)
                .filter((t) => t.key === "WindowTargetIds")
                .flatMap((t) => asStrings(t.values));
            if (!ids.some((id) => nodeTargets.includes(id))) {
                continue;
            }
            const params = asArray(
                asObject(asObject(task.props.taskInvocationParameters).runCommandParameters).parameters as
                    Props[] | undefined,
            );
            const operation = params.find((p) => p.name === "Operation");
            if (!operation || asStrings(operation.values).some((v) => v !== "Scan")) {
                report(
                    `[OPS-M-PATCH] maintenance task ${nameOf(task)} runs AWS-RunPatchBaseline Operation=${asStrings(operation?.values).join(",") || "(none)"} on EKS node group instances; installing reboots nodes without draining them: roll node AMIs through the node group and keep Patch Manager at Operation=Scan`,
                    task.urn,
                );
            }
        }
    },
});

/** The device plugin's node label (aws/aws-nitro-enclaves-k8s-device-plugin). */
const ENCLAVE_LABEL = "aws-nitro-enclaves-k8s-dp";
const EKS_TAINT_EFFECT: Record<string, string> = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

function decodeUserData(value: unknown): string {
    const text = asString(value) ?? "";
    try {
        return Buffer.from(text, "base64").toString("utf8");
    } catch {
        return "";
    }
}

export const enclavesUsable = stackPolicy({
    name: "cross-enclaves-usable",
    description: `Nitro Enclaves switched on are usable: the node group's launch template user data (MIME multipart) configures and starts nitro-enclaves-allocator with CPUs and memory, the nodes carry ${ENCLAVE_LABEL}=enabled, and the enclave device plugin DaemonSet selects that label and tolerates the nodes' taints.`,
    controls: ["DATA-ENC-IN-MEMORY"],
    severity: "high",
    validate: (args, report) => {
        const templates = ofType(args.resources, T.launchTemplate).filter(
            (lt) => asObject(lt.props.enclaveOptions).enabled === true,
        );
        const plugins = ofType(args.resources, T.daemonSet).filter((d) => {
            const pod = asObject(asObject(asObject(d.props.spec).template).spec);
            return (
                asObject(pod.nodeSelector)[ENCLAVE_LABEL] === "enabled" &&
                asArray(pod.containers as Props[] | undefined).some((c) =>
                    String(c.image ?? "").includes("/aws-nitro-enclaves-k8s-device-plugin:"),
                )
            );
        });
        for (const g of ofType(args.resources, T.nodeGroup)) {
            const lt = templates.find((t) => t.props.id === asObject(g.props.launchTemplate).id);
            if (!lt) {
                continue;
            }
            const group = asString(g.props.nodeGroupName) ?? g.name;
            const userData = decodeUserData(lt.props.userData);
            const allocation = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(userData)?.[1] ?? 0);
            const configured =
                /^Content-Type: multipart\/mixed/m.test(userData) &&
                userData.includes("/etc/nitro_enclaves/allocator.yaml") &&
                /systemctl (enable --now|start|restart) nitro-enclaves-allocator/.test(userData) &&
                allocation("cpu_count") > 0 &&
                allocation("memory_mib") > 0;
            if (!configured) {
                report(
                    `[DATA-ENC-IN-MEMORY] node group ${group} enables Nitro Enclaves but its launch template user data (MIME multipart) does not configure and start nitro-enclaves-allocator with cpu_count and memory_mib: no enclave can start`,
                    lt.urn,
                );
            }
            if (asObject(g.props.labels)[ENCLAVE_LABEL] !== "enabled") {
                report(
                    `[DATA-ENC-IN-MEMORY] node group ${group} enables Nitro Enclaves but its nodes lack the label ${ENCLAVE_LABEL}=enabled the device plugin selects`,
                    g.urn,
                );
            }
            const taints = asArray(g.props.taints as Props[] | undefined);
            const tolerated = plugins.some((d) => {
                const tolerations = asArray(
                    asObject(asObject(asObject(d.props.spec).template).spec).tolerations as Props[] | undefined,
                );
                return taints.every((t) =>
                    tolerations.some(
                        (x) =>
                            (x.operator === "Exists" && (x.key === undefined || x.key === t.key)) ||
                            (x.key === t.key &&
                                x.value === t.value &&
                                (x.effect === undefined || x.effect === EKS_TAINT_EFFECT[String(t.effect)])),
                    ),
                );
            });
            if (!tolerated) {
                report(
                    `[DATA-ENC-IN-MEMORY] no Nitro Enclaves device plugin DaemonSet (nodeSelector ${ENCLAVE_LABEL}=enabled) runs on node group ${group}'s nodes (tolerating their taints): pods cannot get ${"aws.ec2.nitro/nitro_enclaves"}`,
                    g.urn,
                );
            }
        }
    },
});
