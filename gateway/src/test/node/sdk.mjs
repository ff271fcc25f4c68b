// Drives the gateway with the official OpenAI Node SDK. Usage: node sdk.mjs <scenario> [args...]
// OPENAI_BASE_URL and OPENAI_API_KEY come from the environment. Prints one JSON document on stdout.
import OpenAI, { toFile } from 'openai';
import { readFileSync } from 'node:fs';

const client = new OpenAI({ maxRetries: 0, timeout: 120_000 });
const [scenario, ...args] = process.argv.slice(2);

async function errorOf(promise) {
  try {
    await promise;
    return { ok: true };
  } catch (e) {
    return { ok: false, status: e.status ?? null, name: e.constructor?.name, code: e.code ?? null,
             type: e.type ?? null, message: e.message };
  }
}

const scenarios = {
  async models() {
    const page = await client.models.list();
    return { ids: page.data.map(m => m.id) };
  },

  async chat() {
    const r = await client.chat.completions.create({
      model: args[0] ?? 'default',
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello' }],
      max_tokens: 6, temperature: 0,
    });
    return { object: r.object, model: r.model, content: r.choices[0].message.content,
             role: r.choices[0].message.role, finish_reason: r.choices[0].finish_reason, usage: r.usage };
  },

  async stream() {
    const s = await client.chat.completions.create({
      model: 'default', max_tokens: 6, temperature: 0, stream: true,
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello' }], stream_options: { include_usage: true },
    });
    const deltas = [];
    let finish = null, usage = null, events = 0;
    let lastModel = null;
    for await (const chunk of s) {
      events++;
      lastModel = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta?.content) deltas.push(c.delta.content);
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    return { events, deltas, content: deltas.join(''), finish_reason: finish, usage, model: lastModel };
  },

  async vision() {
    const png = readFileSync(args[0]).toString('base64');
    const r = await client.chat.completions.create({
      model: 'default', max_tokens: 5, temperature: 0,
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      ] }],
    });
    return { model: r.model, content: r.choices[0].message.content, usage: r.usage };
  },

  async image() {
    const r = await client.images.generate({ model: 'default', prompt: 'a red fox', size: '64x64',
                                             response_format: 'b64_json', steps: 2, seed: 3 });
    return { created: r.created, count: r.data.length, b64_json: r.data[0].b64_json };
  },

  // Upload, create, poll to a final status, download output and errors.
  async batch() {
    const [inputPath, pollMs = '200'] = args;
    const file = await client.files.create({ file: await toFile(readFileSync(inputPath), 'input.jsonl'), purpose: 'batch' });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions',
                                              completion_window: '24h', metadata: { test: 'sdk' } });
    const statuses = [batch.status];
    const deadline = Date.now() + 240_000;
    while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, Number(pollMs)));
      batch = await client.batches.retrieve(batch.id);
      if (statuses[statuses.length - 1] !== batch.status) statuses.push(batch.status);
    }
    const output = batch.output_file_id ? await (await client.files.content(batch.output_file_id)).text() : '';
    const errors = batch.error_file_id ? await (await client.files.content(batch.error_file_id)).text() : '';
    const listed = (await client.batches.list({ limit: 10 })).data.map(b => b.id);
    return { file, batch, statuses, output, errors, listed };
  },

  // Upload and create only: the batch runs while the test kills gateways.
  async start() {
    const file = await client.files.create({ file: await toFile(readFileSync(args[0]), 'input.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions',
                                                completion_window: '24h' });
    return { batch };
  },

  async retrieve() {
    const r = await errorOf(client.batches.retrieve(args[0]));
    if (!r.ok) return r;
    return { ok: true, batch: await client.batches.retrieve(args[0]) };
  },

  async download() {
    return { text: await (await client.files.content(args[0])).text() };
  },

  async unauthorized() {
    return { chat: await errorOf(client.chat.completions.create({ model: 'default',
               messages: [{ role: 'user', content: 'hi' }] })),
             models: await errorOf(client.models.list()) };
  },

  async cancel() {
    const file = await client.files.create({ file: await toFile(readFileSync(args[0]), 'input.jsonl'), purpose: 'batch' });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions',
                                              completion_window: '24h' });
    while (batch.status === 'validating') {
      await new Promise(r => setTimeout(r, 50));
      batch = await client.batches.retrieve(batch.id);
    }
    const cancelling = await client.batches.cancel(batch.id);
    const deadline = Date.now() + 120_000;
    while (!['cancelled', 'completed', 'failed'].includes(batch.status) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
      batch = await client.batches.retrieve(batch.id);
    }
    const again = await errorOf(client.batches.cancel(batch.id));
    return { cancelling: cancelling.status, batch, again };
  },

  async fileOf() {
    return { meta: await errorOf(client.files.retrieve(args[0])), content: await errorOf(client.files.content(args[0])) };
  },

  async tooLarge() {
    const big = 'x'.repeat(Number(args[0]));
    return await errorOf(client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: big }] }));
  },

  async unknownModel() {
    return await errorOf(client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] }));
  },
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await run()));
} catch (e) {
  console.error(e?.stack ?? e);
  console.log(JSON.stringify({ thrown: true, status: e.status ?? null, message: e.message }));
  process.exit(1);
}
