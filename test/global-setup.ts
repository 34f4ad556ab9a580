// Placeholder replaced by the database template setup (see test/support/).
export default async function setup(): Promise<void> {}
