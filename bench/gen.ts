// Deterministic roll generator for benchmarks and soak tests:
//   npm run gen -- --ballots N --format station|nc-sbe --seed S [--out FILE] [--election ID]
// Same seed, same file, byte for byte. Realistic shapes: common US surnames and given names,
// street addresses, ~2% reissues (a second, later ballot for the voter; the first stays in
// the file, superseded), ~1% cancellations, ~1% voted by another method, valid IMb mailer
// IDs (6 digits, first 0–8) and 9-digit serials.
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const LAST = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ', 'HERNANDEZ', 'LOPEZ', 'GONZALEZ', 'WILSON', 'ANDERSON', 'THOMAS', 'TAYLOR', 'MOORE', 'JACKSON', 'MARTIN', 'LEE', 'PEREZ', 'THOMPSON', 'WHITE', 'HARRIS', 'SANCHEZ', 'CLARK', 'RAMIREZ', 'LEWIS', 'ROBINSON', 'WALKER', 'YOUNG', 'ALLEN', 'KING', 'WRIGHT', 'SCOTT', 'TORRES', 'NGUYEN', 'HILL', 'FLORES', "O'BRIEN", 'MUÑOZ', 'PEÑA'];
const FIRST = ['JAMES', 'MARY', 'ROBERT', 'PATRICIA', 'JOHN', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'ELIZABETH', 'WILLIAM', 'BARBARA', 'RICHARD', 'SUSAN', 'JOSEPH', 'JESSICA', 'THOMAS', 'SARAH', 'MARIA', 'KAREN', 'JOSÉ', 'ANA', 'WEI', 'FATIMA', 'DEANDRE', 'LAKISHA', 'SOFIA', 'LIAM', 'AVA', 'NOAH'];
const STREETS = ['MAIN ST', 'OAK AVE', 'PINE ST', 'MAPLE DR', 'CEDAR LN', 'ELM ST', 'WASHINGTON BLVD', 'LAKE RD', 'HILL ST', 'PARK AVE', 'CHURCH ST', 'MILL RD'];
const CITIES: [string, string][] = [['RALEIGH', '276'], ['DURHAM', '277'], ['CARY', '275'], ['APEX', '275'], ['WAKE FOREST', '275'], ['GARNER', '275']];

/** mulberry32: tiny, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { values } = parseArgs({
  options: {
    ballots: { type: 'string', default: '1000' },
    format: { type: 'string', default: 'station' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    election: { type: 'string', default: 'E2026' },
  },
});
const total = Number(values.ballots);
const format = values.format;
if (!Number.isInteger(total) || total < 1) throw new Error('--ballots must be a positive whole number');
if (format !== 'station' && format !== 'nc-sbe') throw new Error('--format must be station or nc-sbe');
const rand = rng(Number(values.seed));
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const out: NodeJS.WritableStream = values.out ? fs.createWriteStream(values.out) : process.stdout;
// NC's file is cp1252 as published; latin1 has the same bytes for every character we write.
const ENCODING: BufferEncoding = format === 'nc-sbe' ? 'latin1' : 'utf8';
const MAILER = '314159'; // one office, one mailer ID (first digit 0–8: a 6-digit ID with 9-digit serials)

const NC_HEADER =
  '"county_desc","voter_reg_num","ncid","voter_last_name","voter_first_name","voter_middle_name","race","ethnicity","gender","age","voter_street_address","voter_city","voter_state","voter_zip","ballot_mail_street_address","ballot_mail_city","ballot_mail_state","ballot_mail_zip","other_mail_addr1","other_mail_addr2","other_city_state_zip","relative_request_name","relative_request_address","relative_request_city","relative_request_state","relative_request_zip","election_dt","voter_party_code","precinct_desc","cong_dist_desc","nc_house_desc","nc_senate_desc","ballot_req_delivery_type","ballot_req_type","ballot_request_party","ballot_req_dt","ballot_send_dt","ballot_rtn_dt","ballot_rtn_status","site_name","sdr","mail_veri_status"';
const STATION_HEADER = 'ballot_id,voter_id,election_id,imb_mailer_id,imb_serial,last_name,first_name,middle_name,suffix,dob,res_address,res_city,res_zip,mail_address,mail_city,mail_state,mail_zip,precinct,ballot_style,issued_at,status,voted_other_method';

let buffer = '';
async function write(line: string): Promise<void> {
  buffer += `${line}\n`;
  if (buffer.length > 1 << 20) {
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk, ENCODING)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
}

function date(dayOfYear: number): { iso: string; us: string } {
  const d = new Date(Date.UTC(2026, 0, 1) + dayOfYear * 86_400_000);
  const iso = d.toISOString().slice(0, 10);
  return { iso, us: `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}` };
}

async function main(): Promise<void> {
  await write(format === 'station' ? STATION_HEADER : NC_HEADER);
  let serial = 0;
  let written = 0;
  let voter = 0;
  while (written < total) {
    voter += 1;
    const last = pick(LAST);
    const first = pick(FIRST);
    const middle = rand() < 0.6 ? pick(FIRST) : '';
    const [city, zip3] = pick(CITIES);
    const zip = `${zip3}${pad(Math.floor(rand() * 100), 2)}`;
    const street = `${1 + Math.floor(rand() * 9999)} ${pick(STREETS)}`;
    const dob = date(-365 * (18 + Math.floor(rand() * 70)) - Math.floor(rand() * 365)).iso;
    const precinct = `P-${pad(1 + Math.floor(rand() * 200), 3)}`;
    const roll = rand();
    const reissued = roll < 0.02;
    const cancelled = roll >= 0.02 && roll < 0.03;
    const votedOther = roll >= 0.03 && roll < 0.04;
    const copies = reissued && written + 1 < total ? 2 : 1;
    for (let c = 0; c < copies; c += 1) {
      serial += 1;
      const sent = date(250 + Math.floor(rand() * 40) + c * 14);
      const voterId = `V${pad(voter, 9)}`;
      if (format === 'station') {
        const ballotId = `B${pad(serial, 10)}`;
        await write(
          [ballotId, voterId, values.election, MAILER, pad(serial, 9), csv(last), csv(first), csv(middle), '', dob, street, city, zip, '', '', '', '', precinct, `BS${precinct.slice(2)}`, sent.iso, cancelled ? 'CANCELLED' : 'ISSUED', votedOther ? 'Y' : 'N'].join(','),
        );
      } else {
        const type = votedOther ? 'ONE-STOP' : 'MAIL';
        const status = cancelled ? 'SPOILED' : '';
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        await write(
          ['WAKE', pad(voter, 9), `AB${pad(voter, 7)}`, last, first, middle, 'UNDESIGNATED', 'UNDESIGNATED', 'U', String(18 + Math.floor(rand() * 70)), street, city, 'NC', zip, '', '', '', '', '', '', '', '', '', '', '', '', '11/03/2026', 'UNA', precinct, '', '', '', 'MAIL', type, 'UNA', date(240).us, sent.us, '', status, '', 'N', '']
            .map(q)
            .join(','),
        );
      }
      written += 1;
    }
  }
  if (buffer) out.write(buffer, ENCODING);
  if (values.out) await new Promise<void>((r) => out.end(() => r()));
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

void main();
