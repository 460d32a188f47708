/** The tab's title with the count of new cases in front, as mail clients do: "(3) Atiende · Consola". */
export function titleWithCount(title: string, count: number): string {
  if (count <= 0) return title;
  return `(${count > 99 ? '99+' : count}) ${title}`;
}
