import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { captureAuthRedirect } from './api/auth-redirect.js';
import { App } from './app/App.js';
import { navigate } from './app/router.js';
import './app/app.css';

// First of all: no token may stay in the address bar (a magic link's redirect lands with its session there).
if (captureAuthRedirect()) navigate('/account', { replace: true });

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
