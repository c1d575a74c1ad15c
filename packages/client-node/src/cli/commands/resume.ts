import { defineCommand } from '../command.js';

export const resume = defineCommand({
  name: 'resume',
  summary: 'watch a paused service again',
  arguments: ['service'],
  description: 'Resumes <service> after watchtower pause: its silences and failures are alerted again.',
  options: {},
  examples: ['watchtower resume nightly-backup'],
  async run({ args: { service }, io }) {
    const beat = await io.connect().resumeService(service);
    io.printDone(beat, `resumed ${service}: it is ${beat.status}`);
    return 0;
  },
});
