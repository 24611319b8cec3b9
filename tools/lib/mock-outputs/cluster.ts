import { createHash } from "crypto";
import { MockOutputs } from "./types";

const hex = (seed: string, n: number) => createHash("sha256").update(seed).digest("hex").slice(0, n);

/** Computed outputs the real provider returns for the cluster area's resource types. */
export const clusterOutputs: MockOutputs = {
    // EKS names a managed node group's Auto Scaling group `eks-<nodeGroupName>-<uuid>`.
    "aws:eks/nodeGroup:NodeGroup": ({ inputs, id }) => {
        const h = hex(id, 32);
        const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
        return {
            resources: [
                {
                    autoscalingGroups: [{ name: `eks-${String(inputs.nodeGroupName ?? id)}-${uuid}` }],
                    remoteAccessSecurityGroupId: "",
                },
            ],
        };
    },
};
