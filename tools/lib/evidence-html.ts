// evidence.html: one self-contained page (inline CSS and SVG, no script, no fetch) that leads with what does not
// pass, then shows coverage as charts, the access matrix as a table and the segment reachability as a diagram.
import { controlsByIso, controlsBySoc2, CoverageRow, leavesBySection } from "./evidence-coverage";
import { ReachabilityEvidence } from "./evidence-reachability";
import { ControlStatus, EvidenceDocument, STATUS_LABEL, STATUSES } from "./evidence-report";

const COLOR: Record<ControlStatus, string> = {
    pass: "#2e7d32",
    partial: "#f9a825",
    adopted: "#1565c0",
    fail: "#c62828",
    "not-configured": "#6d4c41",
    "not-assessed": "#9e9e9e",
};

export function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A horizontal stacked bar per row, one colour per status, with the pass share at the end. */
export function barChart(id: string, title: string, rows: CoverageRow[]): string {
    const label = 190;
    const width = 520;
    const bar = 16;
    const gap = 6;
    const max = Math.max(1, ...rows.map((r) => r.total));
    const height = rows.length * (bar + gap) + 30;
    const parts: string[] = [];
    rows.forEach((r, i) => {
        const y = 24 + i * (bar + gap);
        parts.push(`<text x="${label - 6}" y="${y + bar - 4}" text-anchor="end">${esc(r.key)}</text>`);
        let x = label;
        for (const s of STATUSES) {
            const w = (r.counts[s] / max) * width;
            if (w > 0) {
                parts.push(
                    `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${COLOR[s]}"><title>${esc(`${r.key}: ${r.counts[s]} ${STATUS_LABEL[s].toLowerCase()}`)}</title></rect>`,
                );
            }
            x += w;
        }
        parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + bar - 4}">${r.counts.pass}/${r.total}</text>`);
    });
    return (
        `<figure><figcaption>${esc(title)}</figcaption>` +
        `<svg id="${id}" class="chart" role="img" aria-label="${esc(title)}" width="${label + width + 60}" height="${height}" viewBox="0 0 ${label + width + 60} ${height}" xmlns="http://www.w3.org/2000/svg" font-size="11" font-family="sans-serif">` +
        parts.join("") +
        "</svg></figure>"
    );
}

function legend(): string {
    return `<p class="legend">${STATUSES.map((s) => `<span><i style="background:${COLOR[s]}"></i>${STATUS_LABEL[s]}</span>`).join(" ")}</p>`;
}

/** Zones on a circle; an arrow per reachable pair, labelled with the ports. */
export function reachabilityDiagram(r: ReachabilityEvidence | undefined): string {
    if (!r) {
        return "<p>The plan has no VPC: no reachability to show.</p>";
    }
    const size = 560;
    const c = size / 2;
    const radius = 200;
    const pos = new Map(
        r.zones.map((z, i) => {
            const a = (2 * Math.PI * i) / r.zones.length - Math.PI / 2;
            return [z.name, { x: c + radius * Math.cos(a), y: c + radius * Math.sin(a) }];
        }),
    );
    const parts: string[] = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#37474f"/></marker></defs>',
    ];
    for (const e of r.edges) {
        const a = pos.get(e.from)!;
        const b = pos.get(e.to)!;
        // Shorten to the box edges, and offset the two directions of a pair.
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const [ox, oy] = [(-dy / len) * 6, (dx / len) * 6];
        const x1 = a.x + (dx / len) * 48 + ox;
        const y1 = a.y + (dy / len) * 22 + oy;
        const x2 = b.x - (dx / len) * 48 + ox;
        const y2 = b.y - (dy / len) * 22 + oy;
        parts.push(
            `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${e.from === "internet" ? "#c62828" : "#37474f"}" stroke-width="1.4" marker-end="url(#arrow)"><title>${esc(`${e.from} → ${e.to}: ${e.ports}`)}</title></line>`,
        );
    }
    for (const z of r.zones) {
        const p = pos.get(z.name)!;
        parts.push(
            `<g><rect x="${(p.x - 48).toFixed(1)}" y="${(p.y - 20).toFixed(1)}" width="96" height="40" rx="6" fill="${z.name === "internet" ? "#ffebee" : "#e3f2fd"}" stroke="#1565c0"/>` +
                `<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" text-anchor="middle">${esc(z.name)}</text><title>${esc(z.cidrs.join(", "))}</title></g>`,
        );
    }
    const table = r.edges.map((e) => `<tr><td>${esc(e.from)}</td><td>${esc(e.to)}</td><td>${esc(e.ports)}</td></tr>`);
    return (
        `<svg id="reachability" role="img" aria-label="Segment reachability" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">${parts.join("")}</svg>` +
        `<table><thead><tr><th>From</th><th>To</th><th>Ports (security groups ∩ network ACLs, replies included)</th></tr></thead><tbody>${table.join("")}</tbody></table>`
    );
}

export function renderHtml(doc: EvidenceDocument, reach: ReachabilityEvidence | undefined): string {
    const g = doc.guide;
    const byId = new Map(doc.controls.map((c) => [c.id, c]));
    const nonPass = g.requirements
        .filter((r) => r.status !== "pass")
        .map((r) => {
            const why = r.controls
                .map((id) => byId.get(id)!)
                .filter((c) => c.status !== "pass")
                .map((c) => `${c.id}: ${c.gap ?? c.reason}`)
                .join("; ");
            return `<tr class="${r.status}"><td><code>${esc(r.path)}</code></td><td>${STATUS_LABEL[r.status]}</td><td>${esc(why)}</td></tr>`;
        });
    const devs = (doc.deviations ?? []).map(
        (d) =>
            `<tr><td>${esc(d.control)}</td><td>${esc(d.kind)}</td><td>${esc(d.deviation)}</td><td>${esc(d.risk)}</td><td>${esc(d.compensatingControls.join("; "))}</td><td>${esc(d.owner)}</td><td${d.accepted ? "" : ' class="fail"'}>${esc(d.expires)}</td></tr>`,
    );
    const m = doc.accessMatrix;
    const matrix = m
        ? m.rows.map(
              (r) =>
                  `<tr class="${r.ok ? "" : "fail"}"><td>${esc(r.data)}</td><td>${esc(r.action)}</td><td>${esc(r.principal)}</td><td>${esc(r.allowed)}</td><td>${esc(r.requiredConditions.join(", ") || "—")}</td><td>${esc(r.expected)}</td><td>${r.ok ? "ok" : "VIOLATION"}</td></tr>`,
          )
        : [];
    const p = doc.provenance;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence — stack ${esc(doc.stack)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#212121;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 20px;width:100%}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eceff1;position:sticky;top:0}tr.fail td{background:#ffebee}tr.partial td{background:#fffde7}
.legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
figure{margin:0 0 16px}figcaption{font-weight:600;margin-bottom:4px}code{font-size:12px}
</style></head><body>
<h1>Audit evidence — stack <code>${esc(doc.stack)}</code></h1>
<p>${esc(doc.source)}. ${p.deployed ? "Deployed state." : "An offline plan: design evidence, not deployed state."} Generated ${esc(doc.generatedAt)}; commit <code>${esc(p.gitCommit)}</code>.</p>
<p><strong>${g.coverage.pass} of ${g.leaves} guide leaves pass</strong>; ${STATUSES.filter((s) => s !== "pass")
        .map((s) => `${g.coverage[s]} ${STATUS_LABEL[s].toLowerCase()}`)
        .join(", ")}.</p>
<h2 id="non-pass">Leaves not passing (${nonPass.length})</h2>
<table><thead><tr><th>Leaf</th><th>Status</th><th>Why</th></tr></thead><tbody>${nonPass.join("")}</tbody></table>
<h2 id="deviations">Deviation register (${devs.length})</h2>
<table><thead><tr><th>Control</th><th>Kind</th><th>Deviation</th><th>Risk</th><th>Compensating controls</th><th>Owner</th><th>Expires</th></tr></thead><tbody>${devs.join("")}</tbody></table>
<h2 id="coverage">Coverage</h2>
${legend()}
${barChart("chart-sections", "Guide leaves by section", leavesBySection(doc))}
${barChart("chart-iso", "Controls by ISO/IEC 27001:2022 Annex A control", controlsByIso(doc))}
${barChart("chart-soc2", "Controls by SOC 2 criterion", controlsBySoc2(doc))}
<h2 id="access-matrix">Access matrix (simulated)</h2>
<table><thead><tr><th>Data</th><th>Action</th><th>Principal</th><th>Allowed</th><th>Required conditions</th><th>Expected</th><th>Result</th></tr></thead><tbody>${matrix.join("")}</tbody></table>
<h2 id="reachability-section">Segment reachability</h2>
${reachabilityDiagram(reach)}
</body></html>
`;
}
