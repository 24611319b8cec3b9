import { createHash } from "crypto";
import { MockOutputs } from "./types";

const hex = (seed: string, n: number) => createHash("sha256").update(seed).digest("hex").slice(0, n);

/** Computed outputs the real provider returns for this area's resource types (beyond id / arn / auto-name). */
export const networkOutputs: MockOutputs = {
    // Network Firewall ARNs use the service name "network-firewall" and a typed resource path.
    "aws:networkfirewall/firewall:Firewall": ({ region, account, name }) => ({
        arn: `arn:aws:network-firewall:${region}:${account}:firewall/${name}`,
    }),
    "aws:networkfirewall/firewallPolicy:FirewallPolicy": ({ region, account, name }) => ({
        arn: `arn:aws:network-firewall:${region}:${account}:firewall-policy/${name}`,
    }),
    "aws:networkfirewall/ruleGroup:RuleGroup": ({ region, account, name, inputs }) => ({
        arn: `arn:aws:network-firewall:${region}:${account}:${inputs.type === "STATELESS" ? "stateless" : "stateful"}-rulegroup/${name}`,
    }),
    "aws:shield/protection:Protection": ({ account, id }) => ({
        arn: `arn:aws:shield::${account}:protection/${id}`,
    }),
    "aws:ec2/flowLog:FlowLog": ({ region, account, id }) => ({
        arn: `arn:aws:ec2:${region}:${account}:vpc-flow-log/${id}`,
    }),
    "aws:route53/record:Record": ({ inputs }) => ({ fqdn: String(inputs.name ?? "") }),
    "aws:acm/certificate:Certificate": ({ inputs, id }) =>
        typeof inputs.domainName === "string" && inputs.validationMethod === "DNS"
            ? {
                  domainValidationOptions: [
                      {
                          domainName: inputs.domainName,
                          resourceRecordName: `_${hex(id, 32)}.${inputs.domainName}.`,
                          resourceRecordType: "CNAME",
                          resourceRecordValue: `_${hex(id + "v", 32)}.acm-validations.aws.`,
                      },
                  ],
              }
            : {},
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({
        certificateArn: inputs.certificateArn,
    }),
    // Key material is not real: these only let dependent inputs resolve under mocks.
    "tls:index/privateKey:PrivateKey": ({ id }) => ({
        privateKeyPem: `-----BEGIN EC PRIVATE KEY-----\nmock-${hex(id, 32)}\n-----END EC PRIVATE KEY-----\n`,
        publicKeyPem: `-----BEGIN PUBLIC KEY-----\nmock-${hex(id + "pub", 32)}\n-----END PUBLIC KEY-----\n`,
    }),
    "tls:index/selfSignedCert:SelfSignedCert": ({ id }) => ({
        certPem: `-----BEGIN CERTIFICATE-----\nmock-${hex(id, 32)}\n-----END CERTIFICATE-----\n`,
    }),
};
