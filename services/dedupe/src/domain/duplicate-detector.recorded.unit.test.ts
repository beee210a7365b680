import { seededRandom } from '@cogdesk/shared/seeded-random';
import { describe, expect, it } from 'vitest';
import { DuplicateDetector, type SimilarityQuery } from './duplicate-detector';

// A fixed history of index events and queries whose results were recorded from the detector as it stood at
// commit 7933299, before its index was repacked into typed arrays: how the index stores terms must not
// change what it finds. It touches what storage can get wrong: counts too large for a byte, updates and
// re-indexing, removals that compact postings and stored terms, more tickets than one page of them, and
// IDF and norms that move between queries.

const vocabulary = (
  'printer jam page tray paper login password blank safari chrome vpn disconnect hour client drop connection disk ' +
  'full alert server restart timeout upload file large slow search index crash startup memory leak report export ' +
  'email notification delay sync calendar invite balancer block replica datanode namenode heartbeat lease'
).split(' ');
const identifiers = [
  'NullPointerException', 'DFSClient.java', 'HDFS-8992', 'dfs.namenode.name.dir', 'ORA-00942', 'MAX_TASK_ATTEMPTS',
  'getBlockList', '/var/log/hadoop/hdfs', '0x80004005', 'OutOfMemoryError', 'org.apache.hadoop.hdfs.DFSClient',
];

function scenarioTicket(random: () => number, ticketId: string, hour: number) {
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 2)]!;
  const identifier = () => identifiers[Math.floor(identifiers.length * random() ** 1.5)]!;
  const phrase = (count: number) => Array.from({ length: count }, () => (random() < 0.08 ? identifier() : word())).join(' ');
  return {
    ticketId,
    title: phrase(3 + Math.floor(random() * 5)),
    description: `${phrase(10 + Math.floor(random() * 30))}. ${random() < 0.5 ? `${identifier()} at ${identifier()}` : phrase(5)}`,
    createdAt: new Date(Date.UTC(2024, 0, 1) + hour * 3_600_000).toISOString(),
  };
}

// Per result: ticket id, score, then signals: lexical, title, words, identifiers, bigrams, lexicalRank,
// lexicalStandout, queryTitleCoverage, candidateTitleCoverage, sharedIdentifiers (joined by commas).
type Row = readonly [string, number, number, number, number, number, number, number, number, number, number, string];

function runScenario(): Record<string, Row[]> {
  const detector = new DuplicateDetector();
  const random = seededRandom(20240601);
  const found: Record<string, Row[]> = {};
  const record = (name: string, query: SimilarityQuery, k = 5) => {
    found[name] = detector.findSimilar(query, k).map(({ ticketId, score, signals: s }) => [
      ticketId, score, s.lexical, s.title, s.words, s.identifiers, s.bigrams, s.lexicalRank, s.lexicalStandout,
      s.queryTitleCoverage, s.candidateTitleCoverage, s.sharedIdentifiers.join(','),
    ]);
  };
  for (let i = 0; i < 80; i += 1) detector.upsert(scenarioTicket(random, `t${i}`, i));
  detector.upsert({
    ticketId: 'long',
    title: 'printer jam report',
    description: `${'printer '.repeat(300)}${'jam '.repeat(255)}tray paper`,
    createdAt: '2024-01-05T00:00:00.000Z',
  });
  record('t5 first', { ticketId: 't5' });
  record('text first', { title: 'printer jam on tray', description: 'the printer jams paper in tray two', createdAt: '2024-01-06T00:00:00.000Z' });
  record('long', { ticketId: 'long' });
  for (const id of ['t3', 't10', 't20']) detector.upsert(scenarioTicket(random, id, 100));
  detector.upsert(detector.get('t3')!);
  for (let i = 0; i < 60; i += 2) detector.remove(`t${i}`);
  for (let i = 80; i < 90; i += 1) detector.upsert(scenarioTicket(random, `t${i}`, i));
  for (let i = 0; i < 1200; i += 1) detector.upsert(scenarioTicket(random, `f${i}`, 200 + i));
  for (let i = 0; i < 1000; i += 1) if (i % 5 !== 0) detector.remove(`f${i}`);
  for (const id of ['t5', 't11', 't47', 't81', 't89', 'long', 'f5', 'f1100']) record(`${id} later`, { ticketId: id });
  const text = { title: 'NullPointerException in DFSClient', description: 'datanode heartbeat lease crash at DFSClient.java' };
  record('text later', { ...text, createdAt: '2024-01-06T00:00:00.000Z' }, 10);
  record('unknown words', { title: 'zebra quokka', description: 'nothing indexed says this', ticketId: 't7' });
  const compared = detector.compare({ ticketId: 't9' }, 't81');
  found.compare = compared === undefined ? [] : [[compared.ticketId, compared.score, compared.signals.lexical, 0, 0, 0, 0, 0, 0, 0, 0, '']];
  return found;
}

const recorded: Record<string, readonly Row[]> = {
  't5 first': [
    ['t72', 0.934941467081, 0.474861620613, 0.175136197803, 0.654453014353, 0.628761608217, 0.121957550956, 1, 1.413388944733, 0.830165036066, 0.791245165889, 'max_task_attempts,dfsclient.java,dfsclient'],
    ['t41', 0.915756572993, 0.445821606892, 0.667344164415, 0.43604579145, 0.545943034869, 0.082922820358, 2, 1.080002748147, 1, 0.569688926908, 'dfsclient.java,dfsclient'],
    ['t67', 0.877368881039, 0.410066157004, 0.053757582627, 0.513222668352, 0.853372676597, 0.097982698754, 4, 0.697920982315, 1, 0.750521913771, 'dfsclient.java,dfsclient'],
    ['t50', 0.857427776535, 0.381328975912, 0.180496908397, 0.41624201477, 0.853372676597, 0.060684569051, 8, 0.404810344867, 1, 0.749983534286, 'dfsclient.java,dfsclient'],
    ['t12', 0.767972711571, 0.293341840331, 0.329786737718, 0.437782465427, 0, 0.05662173383, 24, -0.471791708872, 1, 0.580002849985, ''],
  ],
  'text first': [
    ['long', 0.979414218497, 0.351804857792, 0.486615438057, 0.472399485877, 0, 0.121880181613, 1, 2.16346854938, 1, 0.56029657666, ''],
    ['t5', 0.9123101704, 0.30060265272, 0.631336815869, 0.305703866029, 0, 0.14322237688, 2, 1.410831991592, 1, 0.737605809331, ''],
    ['t49', 0.757449366248, 0.222394686966, 0.523437709668, 0.22057487029, 0, 0.049464732581, 4, 0.495345310812, 1, 0.520349487767, ''],
    ['t12', 0.641386750139, 0.224058053701, 0.496899445108, 0.236347357953, 0, 0.043363238015, 3, 0.513454592203, 1, 0.347911557511, ''],
    ['t37', 0.603852696363, 0.182214493612, 0.431860438022, 0.179652376371, 0, 0.04010811881, 7, 0.06504543735, 1, 0.450364322413, ''],
  ],
  'long': [
    ['t74', 0.905323459442, 0.300731818517, 0.603191453126, 0.346799572093, 0, 0.044624945635, 2, 1.025997645933, 1, 0.491616915531, ''],
    ['t37', 0.80440034352, 0.248056580283, 0.504225713309, 0.283746134647, 0, 0.035589135314, 6, 0.346935274699, 1, 0.637900827566, ''],
    ['t71', 0.748188570339, 0.246676978502, 0.456648923054, 0.274374143148, 0, 0.121067482113, 7, 0.329974921726, 1, 0.332273926703, ''],
    ['t41', 0.701421288865, 0.216680956732, 0.34736663058, 0.294415261232, 0, 0, 13, -0.035157042928, 1, 0.556788624916, ''],
    ['t68', 0.68547398973, 0.310273152588, 0.282760656549, 0.405445107132, 0, 0.33998978475, 1, 1.159849269645, 0.56029657666, 0.340894469663, ''],
  ],
  't5 later': [
    ['f275', 0.918359262911, 0.540731786911, 0.3108814438, 0.695796281862, 0.783150743652, 0.087898304484, 1, 1.201395367026, 1, 1, 'max_task_attempts,dfsclient.java,dfsclient'],
    ['t41', 0.782786107296, 0.452746354894, 0.624640513063, 0.444873312931, 0.617671381971, 0.084872590132, 11, 0.02779011722, 1, 0.528188899369, 'dfsclient.java,dfsclient'],
    ['t72', 0.764146956667, 0.472035898917, 0.145653845198, 0.655708735314, 0.652558679473, 0.114446401995, 8, 0.270518571621, 0.830632921159, 0.77712696557, 'dfsclient.java,max_task_attempts,dfsclient'],
    ['f1078', 0.372111924101, 0.500269923495, 0.514814082935, 0.526834277122, 0.780396723463, 0.11220306552, 3, 0.634412960365, 0.723975943876, 0.801219527617, 'dfsclient.java,dfsclient'],
    ['f1189', 0.366151493138, 0.438433893576, 0.105089251241, 0.556478113365, 0.881308804329, 0.04653777331, 17, -0.151839092969, 1, 0.801898607711, 'dfsclient.java,dfsclient'],
  ],
  't11 later': [
    ['t7', 0.91346736107, 0.496961141033, 0.800263102003, 0.483016642552, 0.597198268758, 0.038803060286, 5, 0.453192388334, 0.724270447424, 1, 'max_task_attempts,dfsclient,dfsclient.java'],
    ['f1168', 0.632805047734, 0.556909152869, 0.032596855466, 0.780778085465, 0.930872717698, 0.135798875925, 1, 1.301069022341, 0.686781110003, 0.901402201149, 'max_task_attempts,nullpointerexception,org.apache.hadoop.hdfs.dfsclient,0x80004005,dfsclient'],
    ['t59', 0.630679558293, 0.480625566262, 0.172594311193, 0.622458431447, 0.761291599315, 0.137891656021, 8, 0.242330265715, 0.47052539926, 1, 'dfsclient,nullpointerexception,org.apache.hadoop.hdfs.dfsclient,ora-00942,dfsclient.java'],
    ['f730', 0.610328934203, 0.491647389396, 0, 0.66800285074, 0.925071706127, 0.125901387383, 6, 0.384144166551, 1, 0.877826912554, 'max_task_attempts,nullpointerexception,dfsclient,org.apache.hadoop.hdfs.dfsclient,0x80004005'],
    ['t60', 0.48958885163, 0.444931608624, 0.356789203306, 0.514370027736, 0.723583880252, 0.052341147048, 19, -0.212052262086, 0.724270447424, 0.536743287087, 'dfsclient,nullpointerexception,org.apache.hadoop.hdfs.dfsclient,0x80004005,dfsclient.java'],
  ],
  't47 later': [
    ['t43', 0.869498770478, 0.460110551698, 0.246881784087, 0.565286685202, 0.833791937033, 0.02014707816, 3, 0.866005603006, 0.712172921077, 0.675438380284, 'getblocklist'],
    ['t35', 0.827979792334, 0.472229361803, 0.491564538605, 0.439214765944, 1, 0.028727140734, 2, 1.035457337171, 0.712172921077, 0.526277012782, 'getblocklist'],
    ['t27', 0.718132077679, 0.369560213971, 0.15523906061, 0.522613109308, 0.483208509558, 0.031497138411, 20, -0.290025483216, 1, 0.466676262774, 'getblocklist'],
    ['f1159', 0.566225761754, 0.477623052543, 0.217556442041, 0.553294760371, 1, 0.049762559661, 1, 1.113337743947, 0.695094662021, 0.895315826328, 'getblocklist'],
    ['f875', 0.414594851826, 0.407198893064, 0.382326878846, 0.431046750446, 0.707106781187, 0.060960832624, 9, 0.180281645133, 1, 0.648349877638, 'getblocklist'],
  ],
  't81 later': [
    ['f340', 0.940678440676, 0.502613741876, 0.601249176451, 0.573011321231, 0.545339332859, 0.093715640277, 1, 1.520082633035, 1, 1, 'hdfs-8992,ora-00942'],
    ['t74', 0.916654763771, 0.449864204827, 0.60040012344, 0.464283728157, 0.565577272865, 0.085371500868, 2, 0.750892917346, 1, 0.516649394574, 'hdfs-8992'],
    ['f345', 0.325897150015, 0.372504563146, 0, 0.518675915264, 0.740436058205, 0.014007978555, 21, -0.221516847409, 1, 0.448053267113, 'hdfs-8992'],
    ['f1039', 0.300317938938, 0.356522597078, 0.563627857562, 0.363136655165, 0.365973442137, 0.048884544419, 28, -0.421392507725, 1, 0.725469395574, 'hdfs-8992'],
    ['f1153', 0.266771005975, 0.381941179432, 0.275121438135, 0.50757932964, 0.466645867659, 0.020868978907, 14, -0.104648722232, 1, 0.522948779358, 'hdfs-8992,ora-00942'],
  ],
  't89 later': [
    ['f310', 0.900248871281, 0.589800208682, 0.646133885927, 0.664170999461, 0.746257602933, 0.110328608844, 1, 1.716844847456, 0.830004356008, 0.838654683436, 'nullpointerexception'],
    ['t87', 0.861784618772, 0.465175534505, 0.185552069739, 0.543312609181, 1, 0.042725439777, 10, 0.053715132198, 0.894319663907, 0.734599534122, 'nullpointerexception'],
    ['t66', 0.698523803255, 0.437224748917, 0.527668271021, 0.476048873403, 0.609230394317, 0.015213992425, 20, -0.279520817482, 0.717180647878, 0.853783725246, 'nullpointerexception'],
    ['f40', 0.690333186015, 0.454123456003, 0.557646058091, 0.541656916236, 0.441863840944, 0.036574734169, 15, -0.077734865739, 1, 0.673000911286, 'nullpointerexception'],
    ['t55', 0.685320501368, 0.470741936749, 0.190488206033, 0.555868492497, 1, 0.031400328624, 8, 0.119969435189, 0.830004356008, 0.553637798033, 'nullpointerexception'],
  ],
  'long later': [
    ['t85', 0.949592900892, 0.328979705004, 0.639030455799, 0.369418911041, 0, 0.109761055491, 1, 0.863896258636, 1, 0.619129811757, ''],
    ['t81', 0.924686598797, 0.322179104029, 0.680150058043, 0.372298184841, 0, 0, 2, 0.764881633725, 1, 0.64987084169, ''],
    ['t74', 0.872368215502, 0.309985358386, 0.636518627579, 0.355328874669, 0, 0.033447970237, 3, 0.59237953968, 1, 0.516649394574, ''],
    ['t37', 0.752416507385, 0.265079992531, 0.583848576306, 0.285872837464, 0, 0.035825723587, 12, -0.012391971101, 1, 0.637543202292, ''],
    ['t71', 0.662780747212, 0.253389895852, 0.482815990268, 0.279094657887, 0, 0.115195792364, 18, -0.167563050854, 1, 0.352217588733, ''],
  ],
  'f5 later': [
    ['f20', 0.832851863473, 0.449025405921, 0.289584472952, 0.640807238458, 0.42509100863, 0.046274938712, 12, 0.007255975952, 0.847524382932, 0.779107560205, 'ora-00942,dfs.namenode.name.dir'],
    ['t3', 0.683543914793, 0.447171781781, 0.611357137354, 0.47814037506, 0.555699111516, 0.016502000353, 16, -0.018586171179, 0.711842435379, 1, 'ora-00942,dfsclient.java,dfsclient'],
    ['f285', 0.599930565559, 0.491918484781, 0.646490048576, 0.526841766841, 0.623112618737, 0.038217992234, 3, 0.617141626052, 0.5748465084, 1, 'ora-00942,nullpointerexception'],
    ['f645', 0.568512509853, 0.497825450893, 0.319667898141, 0.620840537224, 0.733996450778, 0.089147566911, 2, 0.705309839044, 0.864318052447, 0.703308048406, 'ora-00942,dfs.namenode.name.dir,nullpointerexception,dfsclient.java,dfsclient'],
    ['f1104', 0.557315448246, 0.512308182382, 0.261305310503, 0.658284726547, 0.845649596071, 0.027048783984, 1, 0.929756846042, 0.878602094891, 0.55225360004, 'ora-00942,nullpointerexception,dfsclient.java,dfsclient'],
  ],
  'f1100 later': [
    ['f1141', 0.975216021138, 0.598684499938, 0.492348540823, 0.693411276825, 0.888387194358, 0.135007161382, 1, 1.706215581662, 1, 0.676466003468, 'org.apache.hadoop.hdfs.dfsclient,getblocklist,dfsclient'],
    ['f1105', 0.897277199491, 0.508172065822, 0.196218055011, 0.633159176868, 0.925441932263, 0.090217176978, 5, 0.548685423073, 0.686276261255, 1, 'org.apache.hadoop.hdfs.dfsclient,getblocklist,dfsclient'],
    ['f845', 0.896329039118, 0.538853868919, 0.425000648872, 0.642570687645, 0.793023143697, 0.090766158453, 2, 0.908320831592, 1, 1, 'org.apache.hadoop.hdfs.dfsclient,getblocklist,dfsclient'],
    ['f1133', 0.868878718795, 0.495027494033, 0.656938296542, 0.522708371269, 0.617968343302, 0.063935983963, 6, 0.399712170896, 0.755219955585, 1, 'org.apache.hadoop.hdfs.dfsclient,getblocklist,dfsclient'],
    ['f1047', 0.854157511471, 0.451884464914, 0.475699399468, 0.535542536612, 0.55240186806, 0.040753576703, 13, -0.079782552969, 1, 0.895494895088, 'org.apache.hadoop.hdfs.dfsclient,dfsclient'],
  ],
  'text later': [
    ['f150', 0.858262606921, 0.521465604906, 0.693146514409, 0.482804321954, 0.858849680214, 0.084044593432, 2, 1.292097957297, 1.0, 0.629029794041, 'dfsclient,dfsclient.java,nullpointerexception'],
    ['f620', 0.844817131541, 0.530949352691, 0.696649283211, 0.528267163156, 0.791607078761, 0.05829901771, 1, 1.407003538702, 1.0, 0.67636098923, 'dfsclient,dfsclient.java,nullpointerexception'],
    ['t59', 0.719989261898, 0.453750717898, 0.225603860263, 0.564083084975, 0.777298699569, 0.066623989485, 5, 0.543041494295, 1.0, 0.271494850585, 'dfsclient,nullpointerexception,dfsclient.java'],
    ['t66', 0.712530894751, 0.42600007829, 0.53997366899, 0.367223754772, 0.838442793086, 0.057513654288, 9, 0.256705280003, 1.0, 0.382434823858, 'dfsclient,nullpointerexception,dfsclient.java'],
    ['f175', 0.631754919747, 0.442576053232, 0.47813433575, 0.475927509851, 0.669971031919, 0.056598509122, 6, 0.42694858136, 1.0, 0.502620282479, 'dfsclient,nullpointerexception,dfsclient.java'],
    ['f1079', 0.557529381286, 0.485791601823, 0.692624914096, 0.486248384516, 0.630768781415, 0.063514063558, 3, 0.885222935192, 1.0, 0.558458843138, 'nullpointerexception,dfsclient,dfsclient.java'],
    ['t62', 0.503121332911, 0.357607960544, 0.471023684094, 0.36308811982, 0.501066119742, 0.044661639026, 25, -0.44088867756, 1.0, 0.31117983776, 'dfsclient,nullpointerexception'],
    ['t27', 0.488281172358, 0.35798404575, 0.493277211426, 0.298404148889, 0.691468173821, 0.042708686313, 24, -0.436998196809, 1.0, 0.418131999756, 'dfsclient,nullpointerexception,dfsclient.java'],
    ['f1003', 0.487755409081, 0.474200471925, 0.599557719457, 0.436395401046, 0.76058607266, 0.146688777408, 4, 0.759505371484, 1.0, 0.499985029636, 'dfsclient,dfsclient.java,nullpointerexception'],
    ['f1058', 0.455399600442, 0.434558458552, 0.742730413195, 0.332530755018, 0.739059892905, 0.059253429786, 8, 0.344360906242, 1.0, 0.664238221941, 'dfsclient,dfsclient.java,nullpointerexception'],
  ],
  'unknown words': [
    ['f975', 0.002603014481, 0.029546861419, 0, 0.059093722839, 0, 0, 1, 0.123402706024, 0, 0.145456327113, ''],
    ['f1106', 0.001796260875, 0.024931402827, 0, 0.049862805654, 0, 0, 9, 0.032847086115, 0, 0.250603854956, ''],
    ['f25', 0.001767769019, 0.022971495037, 0, 0.045942990074, 0, 0, 14, -0.00538240484, 0, 0.266802301185, ''],
    ['f595', 0.001655276263, 0.022331717221, 0, 0.044663434442, 0, 0, 15, -0.017859988704, 0, 0.239061831685, ''],
    ['f740', 0.001632262279, 0.027160791636, 0, 0.054321583273, 0, 0, 5, 0.07644198045, 0, 0.169949776686, ''],
  ],
  'compare': [
    ['t81', 0.050380177874, 0.209986837696, 0, 0, 0, 0, 0, 0, 0, 0, ''],
  ],
};

describe('DuplicateDetector results over a fixed history', () => {
  const found = runScenario();

  it.each(Object.keys(recorded))('%s: the recorded candidates, scores and signals', (name) => {
    const rows = found[name] ?? [];
    const expected = recorded[name]!;
    expect(rows.map((row) => [row[0], row[11]])).toEqual(expected.map((row) => [row[0], row[11]]));
    for (const [i, row] of rows.entries()) {
      for (let column = 1; column <= 10; column += 1) expect(row[column] as number).toBeCloseTo(expected[i]![column] as number, 9);
    }
  });
});
