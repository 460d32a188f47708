import { api } from './api.ts';

interface ReceiptRequest {
  folio: string;
  factor: string;
}

/** Prints the written receipt (acuse de recibo) from a hidden frame, without opening a pop-up. */
export async function printReceipt(request: ReceiptRequest, title: string): Promise<void> {
  const blob = await api.postForBlob('/portal/receipt', { ...request, format: 'html' });
  const url = URL.createObjectURL(blob);
  const frame = document.createElement('iframe');
  frame.className = 'print-frame';
  frame.title = title;
  frame.src = url;
  frame.addEventListener('load', () => {
    const view = frame.contentWindow;
    if (!view) return;
    view.addEventListener('afterprint', () => {
      frame.remove();
      URL.revokeObjectURL(url);
    });
    view.focus();
    view.print();
  });
  document.body.append(frame);
}

/** Downloads the receipt as a PDF named after the folio. */
export async function downloadReceipt(request: ReceiptRequest): Promise<void> {
  const blob = await api.postForBlob('/portal/receipt', { ...request, format: 'pdf' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `acuse-${request.folio}.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; keep it a moment for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
