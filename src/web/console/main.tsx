import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './console.css';
import { setupI18n } from '../shared/i18n.ts';
import { App } from './App.tsx';
import en from './locales/en.json';
import es from './locales/es-MX.json';

setupI18n('console', { 'es-MX': es, en });

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
