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
};
