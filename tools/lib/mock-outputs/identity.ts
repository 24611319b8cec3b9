import { MockOutputs } from "./types";

/** Computed outputs the real provider returns for this area's resource types (beyond id / arn / auto-name). */
export const identityOutputs: MockOutputs = {
    // Node groups pin the launch template version they use.
    "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
    "aws:eks/nodeGroup:NodeGroup": ({ inputs, id }) => ({
        status: "ACTIVE",
        resources: [{ autoscalingGroups: [{ name: `eks-${String(inputs.nodeGroupName ?? id)}` }] }],
    }),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ({ id }) => ({ associationId: `a-${id.slice(0, 17)}` }),
    "aws:cognito/userPoolClient:UserPoolClient": ({ id }) => ({ clientId: id }),
    // access-entry/<cluster>/<role|user>/<account>/<name>/<uuid>, as EKS names it.
    "aws:eks/accessEntry:AccessEntry": ({ inputs, id, region, account }) => {
        const principal = String(inputs.principalArn ?? "");
        const [, kind = "role", path = ""] = /^arn:[^:]+:iam::\d+:(role|user)\/(.+)$/.exec(principal) ?? [];
        const name = path.split("/").pop() ?? "";
        return {
            accessEntryArn: `arn:aws:eks:${region}:${account}:access-entry/${String(inputs.clusterName)}/${kind}/${account}/${name}/${id.replace(/[^0-9a-f-]/g, "").slice(0, 36)}`,
        };
    },
};
