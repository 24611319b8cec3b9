// cert-manager and its Let's Encrypt issuers.

import { MESH } from "../../catalog/mesh";
import { reservedDomainOf } from "../../lib/reserved-domains";
import { environmentOf, resourcePolicy } from "../lib";
import { HELM_RELEASE, ISSUERS, list, obj, ref } from "./shared";

const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

export const certManagerRelease = resourcePolicy({
    name: "mesh-cert-manager-release",
    description:
        "cert-manager comes from the jetstack repository at a pinned version, with its CRDs managed by the chart.",
    controls: ["CERT-MANAGER"],
    severity: "medium",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "cert-manager") {
            return;
        }
        const version = args.props.version;
        if (typeof version !== "string" || !/^v?\d+\.\d+\.\d+$/.test(version)) {
            report(`cert-manager release version ${String(version)} is not pinned to an exact version`);
        }
        const repo = obj(args.props.repositoryOpts).repo;
        if (repo !== MESH.certManagerRepo) {
            report(`cert-manager release comes from ${String(repo)}; expected ${MESH.certManagerRepo}`);
        }
        if (obj(obj(args.props.values).crds).enabled !== true) {
            report(`cert-manager release does not set crds.enabled: true`);
        }
    },
});

export const letsEncryptIssuer = resourcePolicy({
    name: "mesh-letsencrypt-issuer",
    description:
        "ACME issuers use Let's Encrypt (production in prod) and solve DNS-01 through a named Route 53 hosted zone.",
    controls: ["CERT-LETSENCRYPT"],
    severity: "medium",
    types: ISSUERS,
    validate: (args, report) => {
        const acme = obj(obj(args.props.spec).acme);
        if (Object.keys(acme).length === 0) {
            return;
        }
        const allowed =
            environmentOf(args) === "prod" ? [MESH.letsEncryptServer] : [MESH.letsEncryptServer, LETSENCRYPT_STAGING];
        if (!allowed.includes(String(acme.server))) {
            report(
                `issuer ${ref(args.props)} uses ACME server ${String(acme.server)}; expected ${allowed.join(" or ")}`,
            );
        }
        // Let's Encrypt refuses contacts at reserved domains: example.com / .net / .org are its "forbidden
        // domains" (letsencrypt/boulder policy), and the reserved TLDs are no public suffix.
        const contact = String(acme.email ?? "");
        if (contact && reservedDomainOf(contact)) {
            const contactDomain = contact.split("@").pop()?.toLowerCase();
            report(
                `issuer ${ref(args.props)} registers the ACME contact ${contact}; Let's Encrypt refuses ${contactDomain} addresses`,
            );
        }
        const solvers = list(acme.solvers);
        if (solvers.length === 0 || solvers.some((s) => !obj(obj(s.dns01).route53).hostedZoneID)) {
            report(`issuer ${ref(args.props)} must solve every challenge with dns01.route53 and a hostedZoneID`);
        }
    },
});
