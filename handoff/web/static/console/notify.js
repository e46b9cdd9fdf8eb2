/* Telling the agent something arrived: the screen reader's live region and, when the agent
 * turned it on, a short tone. */
import {changed, state} from "./state.js";

let audio = null;

export function notify(reason) {
  state.announce = reason;
  changed();
  if (!state.sound) return;
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.08;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch (error) { /* a browser without audio: the badge and title still tell */ }
}
