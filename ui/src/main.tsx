import { render } from 'preact';
import { tauriBackend } from './api/backend';
import { App } from './app';
import { Boot } from './boot';
import './styles.css';

// Before the first render, so the core answers while the page is being drawn.
const boot = new Boot(tauriBackend);
render(<App backend={tauriBackend} boot={boot} />, document.getElementById('app')!);
