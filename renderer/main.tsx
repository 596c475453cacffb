import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App.js';
import './styles.css';

// The CSP allows no eval: zod must not try its eval-compiled fast path.
z.config({ jitless: true });

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
