// What the identity policy tests share: an account, IAM types, the boundary's ARN, policy documents.

export const ACCT = "123456789012";
export const ROLE = "aws:iam/role:Role";
export const POLICY = "aws:iam/policy:Policy";
export const BOUNDARY = `arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`;
export const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
